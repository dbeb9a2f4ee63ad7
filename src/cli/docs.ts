/** `quietcount docs [--check]`: write TELEMETRY.md from the catalog, or fail when the committed one is stale. */
import { readFile, writeFile } from 'node:fs/promises';
import { renderTelemetryMd } from '../docs/telemetry-md.ts';

const TARGET = new URL('../../TELEMETRY.md', import.meta.url);

export async function main(argv: string[]): Promise<number> {
  const expected = renderTelemetryMd();
  if (argv.includes('--check')) {
    const actual = await readFile(TARGET, 'utf8').catch(() => '');
    if (actual === expected) return 0;
    process.stderr.write('TELEMETRY.md is stale: run `npm run generate`\n');
    return 1;
  }
  await writeFile(TARGET, expected);
  process.stdout.write('wrote TELEMETRY.md\n');
  return 0;
}
