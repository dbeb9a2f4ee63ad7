/**
 * Filling a Prometheus TSDB for bench/prometheus.ts with promtool (openmetrics files and recording rules), and
 * reading back what it holds. The binaries come from test/support/prometheus.ts, which also starts the server.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runPromtool } from '../test/support/prometheus.ts';

/**
 * The largest block a 180-day Prometheus compacts to: ranges grow ×3 from 2 h and stop at a tenth of the retention
 * (18 d), so 162 h. Backfilling blocks of that size gives the layout a server has after months of scraping.
 */
export const BLOCK_SECONDS = 162 * 3_600;

const maxBlockDuration = `--max-block-duration=${String(BLOCK_SECONDS / 3_600)}h`;

export function importOpenMetrics(file: string, dataDir: string): Promise<void> {
  return runPromtool(['tsdb', 'create-blocks-from', maxBlockDuration, 'openmetrics', '--quiet', file, dataDir]);
}

/** Evaluates `rulesFile` against the Prometheus at `url` over [start, end] (Unix seconds) into blocks in `outputDir`. */
export function importRules(rulesFile: string, url: string, start: number, end: number, outputDir: string): Promise<void> {
  return runPromtool([
    'tsdb', 'create-blocks-from', maxBlockDuration, 'rules', '--quiet',
    `--url=${url}`, `--start=${String(start)}`, `--end=${String(end)}`, `--output-dir=${outputDir}`, rulesFile,
  ]);
}

export interface Block {
  readonly dir: string;
  /** Milliseconds, as in meta.json (maxTime is exclusive). */
  readonly minTime: number;
  readonly maxTime: number;
  readonly samples: number;
  readonly series: number;
}

/** The blocks under `dir`, from each block's meta.json. */
export async function blocksIn(dir: string): Promise<Block[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const blocks = entries.filter((entry) => entry.isDirectory() && /^[0-9A-Z]{26}$/.test(entry.name));
  return Promise.all(
    blocks.map(async ({ name }) => {
      const meta = JSON.parse(await readFile(join(dir, name, 'meta.json'), 'utf8')) as {
        minTime: number;
        maxTime: number;
        stats: { numSamples: number; numSeries: number };
      };
      return { dir: join(dir, name), minTime: meta.minTime, maxTime: meta.maxTime, samples: meta.stats.numSamples, series: meta.stats.numSeries };
    }),
  );
}

/** Bytes of the chunk files of the blocks under `dir`: the samples, without the index. */
export async function chunkBytesIn(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const chunks = entries.filter((entry) => entry.isFile() && entry.parentPath.endsWith('/chunks'));
  const sizes = await Promise.all(chunks.map(async (entry) => (await stat(join(entry.parentPath, entry.name))).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** Bytes of all files under `dir` (what `du -sb` reports). */
export async function bytesIn(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(
    entries.filter((entry) => entry.isFile()).map(async (entry) => (await stat(join(entry.parentPath, entry.name))).size),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}
