/**
 * `quietcount publish`: the public aggregates page. Wires the parts together; a failure is a UsageError or a
 * CommandError, which `quietcount` turns into one line on stderr and an exit code.
 */
import { loadCatalog } from '../catalog-file.ts';
import { CommandError, processIo, type CliIo } from '../cli-io.ts';
import { writeOrCheck } from '../generated-files.ts';
import { buildPublication } from './aggregates.ts';
import { parsePublishArgs, type PublishOptions } from './args.ts';
import { COUNTS_SOURCE, readDailyTotals } from './counts.ts';
import { helpText } from './help.ts';
import { AGGREGATES_CSV, renderCsv } from './render/csv.ts';
import { INDEX_HTML, renderHtml } from './render/html.ts';
import { AGGREGATES_JSON, renderJson } from './render/json.ts';

/** The synopsis printed after a mistake on the command line: the whole help is long. */
export const usage = (): string => 'usage: quietcount publish --prometheus URL --out DIR [options]   (quietcount publish --help shows every option)\n';

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parsePublishArgs(argv, io.env, io.now());
  if (parsed.help) {
    io.stdout.write(`${helpText()}\n`);
    return 0;
  }
  return publish(parsed.options, io);
}

async function publish(options: PublishOptions, io: CliIo): Promise<number> {
  const catalog = await loadCatalog(options.catalog, io);
  const { eventNames } = catalog.model.publication;
  if (eventNames.length === 0) {
    throw new CommandError(`${catalog.path} marks no event publish: true, so there is nothing to publish (add publish: true to the events the page may show)`);
  }
  const daily = await readDailyTotals({
    connection: options.connection,
    eventNames,
    fromDay: options.fromDay,
    toDay: options.toDay,
    onWarning: (warning) => io.stderr.write(`quietcount publish: Prometheus warns: ${warning}\n`),
  });
  const publication = buildPublication({
    catalog: catalog.model,
    period: options.period,
    fromDay: options.fromDay,
    toDay: options.toDay,
    daily,
    generatedFrom: COUNTS_SOURCE,
  });
  const files = new Map([
    [AGGREGATES_JSON, renderJson(publication.document)],
    [AGGREGATES_CSV, renderCsv(publication.document)],
    [INDEX_HTML, renderHtml(publication)],
  ]);
  return writeOrCheck({ command: 'publish', catalog, files, out: options.out, check: options.check }, io);
}
