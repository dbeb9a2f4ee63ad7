/**
 * `quietcount report`: exact daily counts per event from Prometheus. Wires the parts together; a failure is a
 * UsageError or a CommandError, which `quietcount` turns into one line on stderr and an exit code.
 */
import { isEventName } from 'quietcount';
import { formatIsoDay } from '../days.ts';
import { collectDailyCounts, USAGE_METRIC } from './collect.ts';
import { openConnection, type Connection } from './connection.ts';
import { writeReport } from './format.ts';
import { PrometheusApi } from './prometheus-api.ts';
import { importCatalog, locateCatalog } from '../catalog-file.ts';
import { CommandError, processIo, UsageError, type CliIo } from '../cli-io.ts';
import { checkEventNames, parseReportArgs, type ReportOptions } from './args.ts';
import { helpText } from './help.ts';
import { readingProgress } from './progress.ts';

/** The synopsis printed after a mistake on the command line: the whole help is long. */
export const usage = (): string => 'usage: quietcount report --prometheus URL [options]   (quietcount report --help shows every option)\n';

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseReportArgs(argv, io.env, io.now());
  if (parsed.help) io.stdout.write(`${helpText()}\n`);
  else await report(parsed.options, io);
  return 0;
}

async function report(options: ReportOptions, io: CliIo): Promise<void> {
  const connection = openConnection(options.connection);
  const warned = new Set<string>();
  const onWarning = (warning: string): void => {
    // Each piece of the report is a query: the same warning once.
    if (warned.has(warning)) return;
    warned.add(warning);
    io.stderr.write(`quietcount report: Prometheus warns: ${warning}\n`);
  };
  await checkAskedEventNames(options, connection, onWarning, io);
  const progress = readingProgress(io.stderr, options.forceProgress || io.stderr.isTTY === true);
  const counts = collectDailyCounts({
    connection,
    eventNames: options.eventNames,
    eventIds: options.eventIds,
    fromDay: options.fromDay,
    toDay: options.toDay,
    onProgress: (done, total) => {
      progress.update(done, total);
    },
    onWarning,
  });
  let notice: string | undefined;
  try {
    notice = await writeReport(counts, { format: options.format, minCount: options.minCount, from: formatIsoDay(options.fromDay), to: formatIsoDay(options.toDay) }, (text) =>
      written(io.stdout, text),
    );
  } finally {
    progress.stop();
  }
  if (notice !== undefined) io.stderr.write(`quietcount report: ${notice}\n`);
}

/** Writes `text`, waiting while the stream's buffer is full. */
function written(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (text === '' || stream.write(text)) return Promise.resolve();
  return new Promise((resolve) => stream.once('drain', () => { resolve(); }));
}

/** `--event` names must be the catalog's when there is one, or names Prometheus has seen when there is none. */
async function checkAskedEventNames(options: ReportOptions, connection: Connection, onWarning: (warning: string) => void, io: CliIo): Promise<void> {
  if (options.eventNames.length === 0) return;
  let catalogPath: string | undefined;
  try {
    catalogPath = locateCatalog(options.catalog, io);
    if (catalogPath !== undefined) {
      const { model, path } = await importCatalog(catalogPath, io);
      checkEventNames(options.eventNames, model.eventNames, `the catalog ${path}`);
      return;
    }
  } catch (error) {
    if (error instanceof CommandError) throw new UsageError(error.message);
    throw error;
  }
  const api = new PrometheusApi(connection, onWarning);
  const known = await api.labelValues('event_name', USAGE_METRIC, `the event_name values of ${USAGE_METRIC}`);
  // Only well-formed names are listed back: a value from the server is never printed as it is.
  checkEventNames(options.eventNames, known.filter(isEventName).sort(), `Prometheus (event_name of ${USAGE_METRIC})`);
}
