/**
 * `quietcount dashboards`: writes grafana/dashboards/*.json from the code in this folder (and so from the catalog).
 * `--check` writes nothing and fails when a committed file differs from what the code generates.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { renderDashboards } from './dashboards.ts';

const DEFAULT_DIRECTORY = join(import.meta.dirname, '..', '..', 'grafana', 'dashboards');

const USAGE = `usage: quietcount dashboards [--check] [--out <dir>]

Writes the Grafana dashboards generated from src/dashboards/ (and the catalog) as JSON.

  --out <dir>  where to write (default: grafana/dashboards/ of this checkout)
  --check      write nothing; exit 1 if a file there differs from what the code generates
`;

export async function main(argv: string[]): Promise<number> {
  let options: { check: boolean; out: string; help: boolean };
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        check: { type: 'boolean', default: false },
        out: { type: 'string', default: DEFAULT_DIRECTORY },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    options = values;
  } catch (error) {
    process.stderr.write(`quietcount dashboards: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  const files = renderDashboards();
  const where = relative(process.cwd(), options.out) || '.';
  if (options.check) {
    const stale: string[] = [];
    for (const [file, content] of files) {
      const committed = await readFile(join(options.out, file), 'utf8').catch(() => undefined);
      if (committed !== content) stale.push(file);
    }
    if (stale.length > 0) {
      process.stderr.write(`quietcount dashboards: out of date in ${where}: ${stale.join(', ')} (run npm run generate)\n`);
      return 1;
    }
    process.stdout.write(`quietcount dashboards: ${String(files.size)} dashboards in ${where} are up to date\n`);
    return 0;
  }

  await mkdir(options.out, { recursive: true });
  for (const [file, content] of files) await writeFile(join(options.out, file), content);
  process.stdout.write(`quietcount dashboards: wrote ${[...files.keys()].join(', ')} to ${where}\n`);
  return 0;
}
