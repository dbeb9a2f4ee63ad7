/**
 * What importing quietcount costs an app at start, beside importing prom-client: wall time of the import and the
 * process's peak resident memory, each in a fresh Node process, interleaved rounds, medians. quietcount is imported
 * as the published package runs it (the compiled dist/, built here first), and the packed tarball's size is reported.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixed, median, table } from './support.ts';

const ROUNDS = 15;
const repo = join(import.meta.dirname, '..');
execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' });

const packDir = mkdtempSync(join(tmpdir(), 'quietcount-pack-'));
const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: repo, encoding: 'utf8' })) as {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
}[];
const tarball = packed[0];
if (tarball === undefined) throw new Error('npm pack reported no tarball');
const tarballBytes = statSync(join(packDir, tarball.filename)).size;
rmSync(packDir, { recursive: true, force: true });

const candidates: Record<string, string> = {
  quietcount: pathToFileURL(join(repo, 'dist', 'index.js')).href,
  'prom-client': 'prom-client',
  'nothing (empty process)': '',
};

function measure(specifier: string): { ms: number; rssMiB: number } {
  const probe = `const start = performance.now(); ${specifier === '' ? '' : `await import(${JSON.stringify(specifier)});`}
    const ms = performance.now() - start;
    process.stdout.write(JSON.stringify({ ms, rssMiB: process.resourceUsage().maxRSS / 1024 }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: repo, encoding: 'utf8' })) as { ms: number; rssMiB: number };
}

const samples = Object.fromEntries(Object.keys(candidates).map((name) => [name, [] as { ms: number; rssMiB: number }[]]));
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, specifier] of Object.entries(candidates)) samples[name]?.push(measure(specifier));
}
const rows = Object.entries(samples).map(([name, runs]) => [name, fixed(median(runs.map((run) => run.ms))), fixed(median(runs.map((run) => run.rssMiB)))]);
const ms = (name: string): number => median((samples[name] ?? []).map((run) => run.ms));

process.stdout.write(
  [
    `## Import cost: a fresh Node process imports the package (${String(ROUNDS)} interleaved rounds, medians)`,
    '',
    table(['import', 'wall time of the import (ms)', 'peak resident memory of the process (MiB)'], rows),
    '',
    `quietcount / prom-client import time: ${fixed(ms('quietcount') / ms('prom-client'), 2)}. Packed tarball: ${fixed(tarballBytes / 1024)} kB, ${String(tarball.entryCount)} files, ${fixed(tarball.unpackedSize / 1024)} kB unpacked.`,
    '',
  ].join('\n'),
);
