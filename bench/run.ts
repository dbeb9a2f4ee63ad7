/**
 * `npm run bench [name …]`: each benchmark in its own Node process (so one's heap and JIT state cannot skew
 * another), one after the other, printing Markdown tables ready for README's Performance section.
 */
import { spawnSync } from 'node:child_process';
import { machine } from './support.ts';

const BENCHMARKS = ['recording', 'http', 'scrape', 'cluster', 'flood', 'prometheus', 'import'];
/**
 * Run only when named: the roll-up candidates behind the day rule take about 12 minutes; the report at the full
 * bound over 30 days 8 to 17 minutes on a shared 2-core VM (most of it promtool importing the history).
 */
const ON_DEMAND = ['rollups', 'report'];

/**
 * Node flags per benchmark. The scrape benchmark reads the bytes a scrape allocates as heap growth with no GC in
 * between: a young generation large enough for a few scrapes makes that possible.
 */
const FLAGS: Readonly<Record<string, readonly string[]>> = { scrape: ['--max-semi-space-size=256'] };

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !BENCHMARKS.includes(name) && !ON_DEMAND.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(', ')} (have: ${[...BENCHMARKS, ...ON_DEMAND].join(', ')})`);
  process.exit(2);
}
process.stdout.write(`Machine: ${machine()}\n\n`);
let failed = false;
for (const name of wanted.length > 0 ? wanted : BENCHMARKS) {
  const result = spawnSync(process.execPath, [...(FLAGS[name] ?? []), '--expose-gc', new URL(`./${name}.ts`, import.meta.url).pathname], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.stdout.write('\n');
  if (result.status !== 0) {
    console.error(`benchmark ${name} failed (exit ${String(result.status)})`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
