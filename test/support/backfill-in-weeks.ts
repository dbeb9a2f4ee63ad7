/**
 * Backfilling weeks or months of samples quickly: promtool reads its whole input again for every block it writes, so
 * one file of two months in its default two-hour blocks takes minutes. Here the samples go in a week at a time, in
 * blocks of a day: seconds. Run it before Prometheus starts on `dataDir`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPromtool } from './prometheus.ts';

const WEEK_SECONDS = 7 * 86_400;

/** `openMetrics`: samples with timestamps in seconds, one per line, ending with `# EOF` (as simulateTraffic writes them). */
export async function backfillInWeeks(openMetrics: string, dataDir: string): Promise<void> {
  const weeks = new Map<number, string[]>();
  for (const line of openMetrics.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const week = Math.floor(Number(line.slice(line.lastIndexOf(' ') + 1)) / WEEK_SECONDS);
    const lines = weeks.get(week) ?? [];
    lines.push(line);
    weeks.set(week, lines);
  }
  const workDir = await mkdtemp(join(tmpdir(), 'quietcount-backfill-weeks-'));
  try {
    for (const [week, lines] of weeks) {
      const input = join(workDir, `week-${String(week)}.om.txt`);
      await writeFile(input, `${lines.join('\n')}\n# EOF\n`);
      await runPromtool(['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', '--max-block-duration=24h', input, dataDir]);
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
