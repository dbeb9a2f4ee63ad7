/**
 * What an app installs to record: `npm install --omit=dev` of the library's packed tarball in an empty app folder,
 * beside the same install of what it replaces (the OpenTelemetry api + sdk-metrics + exporter-prometheus and
 * prom-client, at the versions quietcount pins), each alone too. Counted: packages, bytes of files (as npm unpacks
 * them) and disk usage. Goal: the library's install at most 1.2 × the yardstick's, in packages and in bytes.
 * quietcount-cli, a devDependency that production installs leave out, is measured apart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixed, table } from './support.ts';

const GOAL_MAX_RATIO = 1.2;
const repo = join(import.meta.dirname, '..');
const { dependencies } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const pinned = (name: string): string => `${name}@${dependencies[name] ?? 'latest'}`;
const OTEL = ['@opentelemetry/api', '@opentelemetry/sdk-metrics', '@opentelemetry/exporter-prometheus'].map(pinned);
const PROM_CLIENT = pinned('prom-client');

/** A clean environment: nothing of this repository's npm settings (its source condition) reaches the installs. */
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', npm_config_update_notifier: 'false' };
const work = mkdtempSync(join(tmpdir(), 'quietcount-install-'));

function pack(): { library: string; cli: string } {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--workspaces', '--include-workspace-root', '--json', '--pack-destination', work], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  ) as { name: string; filename: string }[];
  const file = (name: string): string => join(work, packed.find((entry) => entry.name === name)?.filename ?? '');
  return { library: file('quietcount'), cli: file('quietcount-cli') };
}

interface Footprint {
  readonly packages: number;
  readonly bytes: number;
  readonly diskBytes: number;
}

function filesBytes(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return bytes;
}

/** Installs `specs` into an empty app folder and measures its node_modules. */
function install(name: string, specs: readonly string[], omitDev = true): Footprint {
  const dir = join(work, name);
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...(omitDev ? ['--omit=dev'] : ['--save-dev']), ...specs], { cwd: dir, env, stdio: 'ignore' });
  const listed = execFileSync('npm', ['ls', '--all', '--parseable', ...(omitDev ? ['--omit=dev'] : [])], { cwd: dir, env, encoding: 'utf8' });
  const packages = new Set(listed.split('\n').filter((line) => line.includes('node_modules'))).size;
  const modules = join(dir, 'node_modules');
  const diskBytes = Number(execFileSync('du', ['-sk', modules], { encoding: 'utf8' }).split('\t')[0]) * 1024;
  return { packages, bytes: filesBytes(modules), diskBytes };
}

try {
  const tarballs = pack();
  const measured = {
    quietcount: install('quietcount', [tarballs.library]),
    yardstick: install('yardstick', [...OTEL, PROM_CLIENT]),
    otel: install('otel', OTEL),
    promClient: install('prom-client', [PROM_CLIENT]),
    cli: install('cli', [tarballs.library, tarballs.cli], false),
  };
  const mb = (bytes: number): string => fixed(bytes / 1e6, 1);
  const ratio = (figure: (footprint: Footprint) => number): number => figure(measured.quietcount) / figure(measured.yardstick);
  const verdict = (value: number): string => `${fixed(value, 2)} ${value <= GOAL_MAX_RATIO ? 'met' : 'MISSED'}`;
  const row = (label: string, footprint: Footprint): string[] => [label, String(footprint.packages), mb(footprint.bytes), mb(footprint.diskBytes)];
  process.stdout.write(
    [
      '## Install: what an app installs to record (`npm install --omit=dev`, one run)',
      '',
      `quietcount's production install beside the same install of what it replaces. Goal: at most ${String(GOAL_MAX_RATIO)} × the yardstick in packages and in bytes.`,
      '',
      table(
        ['install', 'packages', 'MB of files', 'MB on disk'],
        [
          row('quietcount (the library tarball)', measured.quietcount),
          row(`yardstick: ${[...OTEL, PROM_CLIENT].join(', ')}`, measured.yardstick),
          row('OpenTelemetry api + sdk-metrics + exporter-prometheus', measured.otel),
          row('prom-client', measured.promClient),
          row('quietcount + quietcount-cli (a development install, with the generators)', measured.cli),
        ],
      ),
      '',
      `quietcount / yardstick: packages ${verdict(ratio((footprint) => footprint.packages))}, bytes ${verdict(ratio((footprint) => footprint.bytes))}.`,
      '',
    ].join('\n'),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
