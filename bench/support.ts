/** Shared by the benchmarks: a fixed workload, interleaved rounds, and plain-text tables. */
import os from 'node:os';

/** Deterministic pseudo-random numbers, so every run and every library sees the same id sequence. */
export function seededRandom(seed = 42): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Runs each candidate `rounds` times, interleaved (A B C A B C …) so that a noisy moment of the machine hits every
 * candidate alike, and returns the median of each.
 */
export function interleavedMedians(candidates: Record<string, () => number>, rounds: number): Record<string, number> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(candidates).map((name) => [name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, run] of Object.entries(candidates)) samples[name]?.push(run());
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/** Runs `run` over `tasks` with at most `parallel` at a time. */
export async function inParallel<T>(parallel: number, tasks: Iterable<T> | AsyncIterable<T>, run: (task: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const task of tasks) {
    while (running.size >= parallel) await Promise.race(running);
    const started: Promise<void> = run(task).finally(() => running.delete(started));
    running.add(started);
  }
  await Promise.all(running);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The `q` quantile (0..1) of `values`, interpolated between the two nearest ranks. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = sorted[Math.floor(position)] ?? Number.NaN;
  const above = sorted[Math.ceil(position)] ?? below;
  return below + (above - below) * (position - Math.floor(position));
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(cells[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `Node ${process.version}, ${os.platform()} ${os.arch()}, ${String(os.cpus().length)} × ${cpu}, ${String(Math.round(os.totalmem() / 2 ** 30))} GiB`;
}

export const fixed = (value: number, digits = 1): string => value.toFixed(digits);
