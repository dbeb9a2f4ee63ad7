/**
 * What `docs`, `dashboards` and `rules` share: the app's catalog in, files out under `--out` (default: the app's
 * folder), or `--check` against the committed ones for the app's CI.
 */
import type { CatalogModel } from 'quietcount';
import { loadCatalog, type LoadedCatalog } from '../catalog-file.ts';
import type { CliIo } from '../cli-io.ts';
import { UsageError } from '../cli-io.ts';
import { parseCommandLine } from '../command-line.ts';
import { writeOrCheck } from '../generated-files.ts';

const JOB_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

export interface Generator {
  readonly name: string;
  /** What it writes, for the usage text. */
  readonly writes: string;
  readonly description: string;
  /** Whether `--job` applies (the rules and dashboards select the app's scrape job). */
  readonly takesJob: boolean;
  readonly render: (catalog: LoadedCatalog) => ReadonlyMap<string, string>;
}

const options = {
  catalog: { type: 'string' },
  out: { type: 'string' },
  check: { type: 'boolean' },
  job: { type: 'string' },
} as const;

export function generatorUsage(generator: Generator): string {
  return [
    `usage: quietcount ${generator.name} [--catalog FILE] [--out DIR] [--check]${generator.takesJob ? ' [--job NAME]' : ''}`,
    '',
    generator.description,
    '',
    'options:',
    '  --catalog FILE  the app\'s catalog (default: package.json "quietcount": { "catalog" }, else',
    '                  ./quietcount.catalog.ts, .mts, .js, .mjs or .cjs)',
    `  --out DIR       where to write ${generator.writes} (default: the current folder; never node_modules)`,
    '  --check         write nothing; exit 1 when a file there differs from what the catalog generates, or when',
    '                  a catalog entry has expired (for the app\'s CI)',
    ...(generator.takesJob ? ["  --job NAME      the app's Prometheus scrape job (default: the catalog's monitoring.job, else quietcount)"] : []),
    '  -h, --help      show this help',
    '',
  ].join('\n');
}

export async function runGenerator(generator: Generator, argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(argv, options);
  if (parsed.help) {
    io.stdout.write(generatorUsage(generator));
    return 0;
  }
  const { values } = parsed;
  if (values.job !== undefined && (!generator.takesJob || !JOB_NAME.test(values.job))) {
    throw new UsageError(generator.takesJob ? `--job "${values.job}" is not a scrape job name (letters, digits and _ . : -)` : `--job does not apply to ${generator.name}`);
  }
  const loaded = await loadCatalog(values.catalog, io);
  const catalog = values.job === undefined ? loaded : { ...loaded, model: withJob(loaded.model, values.job) };
  return writeOrCheck({ command: generator.name, catalog, files: generator.render(catalog), out: values.out, check: values.check === true }, io);
}

function withJob(model: CatalogModel, job: string): CatalogModel {
  return { ...model, monitoring: { ...model.monitoring, job } };
}
