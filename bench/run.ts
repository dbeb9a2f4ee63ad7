/**
 * `npm run bench [name …]`: each benchmark in its own Node process (so one's heap and JIT state cannot skew
 * another), one after the other. Each prints its section in Markdown. A run of every benchmark (no names) also
 * writes docs/performance.md from what they printed, as pino's benchmark writes its doc: no figure in that page is
 * typed by hand.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine } from './support.ts';

/** `report` takes 8 to 17 minutes on a shared 2-core VM, most of it promtool importing its history. */
const BENCHMARKS = ['recording', 'http', 'hono-middleware', 'scrape', 'cluster', 'flood', 'prometheus', 'report', 'import', 'install'];
/** Run only when named: the roll-up candidates behind the day rule take about 12 minutes. */
const ON_DEMAND = ['rollups'];
const DOC = join(import.meta.dirname, '..', 'docs', 'performance.md');

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
const started = new Date();
process.stdout.write(`Machine: ${machine()}\n\n`);
const sections: string[] = [];
let failed = false;
for (const name of wanted.length > 0 ? wanted : BENCHMARKS) {
  const result = spawnSync(process.execPath, [...(FLAGS[name] ?? []), '--expose-gc', join(import.meta.dirname, `${name}.ts`)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(`${result.stdout}\n`);
  sections.push(result.stdout.trim());
  if (result.status !== 0) {
    console.error(`benchmark ${name} failed (exit ${String(result.status)})`);
    failed = true;
  }
}
const minutes = Math.round((Date.now() - started.getTime()) / 60_000);
if (wanted.length === 0 && !failed) {
  writeFileSync(
    DOC,
    [
      '# Performance',
      '',
      '<!-- Written by `npm run bench` (bench/run.ts) from what each benchmark printed: do not edit by hand. -->',
      '',
      `Every figure below comes from one run of \`npm run bench\` on ${started.toISOString().slice(0, 10)}, ${String(minutes)} minutes, on`,
      `${machine()}. Each benchmark ran in its own process, one after the other; within a benchmark, quietcount and the`,
      'libraries it is compared with ran side by side in the same run, interleaved, so the ratios hold on a noisy shared',
      'machine where absolute times do not travel. Each section says what it measures and against which goal.',
      '',
      'Reproduce: `npm run bench` (every benchmark, and this page), or some by name, which only prints:',
      `\`npm run bench -- ${BENCHMARKS.slice(0, 2).join(' ')}\` (names: ${BENCHMARKS.join(', ')}; \`${ON_DEMAND.join(', ')}\` runs only when`,
      'named). The Prometheus benchmarks need Debian\'s `prometheus` and `promtool`; the HTTP one pins processes to cores',
      'with `taskset` (util-linux) and runs unpinned without it; the install and import benchmarks pack the packages.',
      '',
      ...sections.flatMap((section) => [section, '']),
    ].join('\n'),
  );
  process.stdout.write(`wrote ${DOC}\n`);
}
process.exitCode = failed ? 1 : 0;
