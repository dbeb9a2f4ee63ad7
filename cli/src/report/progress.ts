/**
 * Progress of the day queries on stderr: on a terminal, or anywhere with --progress. Never on stdout, which carries
 * the report.
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  tick(): void;
  stop(): void;
}

const silent: Progress = { tick: () => undefined, stop: () => undefined };

export function dayProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, total: number, shown: boolean): Progress {
  if (!shown) return silent;
  const bar = new SingleBar({
    stream,
    format: 'reading days from Prometheus [{bar}] {value}/{total} days, {duration_formatted}',
    noTTYOutput: stream.isTTY !== true,
    // Off a terminal each redraw is a new line: a few are enough.
    notTTYSchedule: 2000,
    clearOnComplete: stream.isTTY === true,
    hideCursor: true,
  });
  bar.start(total, 0);
  return {
    tick: () => {
      bar.increment();
    },
    stop: () => {
      bar.stop();
    },
  };
}
