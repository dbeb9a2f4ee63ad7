/**
 * `quietcount report`: exact daily counts per event from Prometheus. Wires the parts together; a failure is a
 * UsageError or a CommandError, which `quietcount` turns into one line on stderr and an exit code.
 */
import { oneOf, usageSelector } from '../promql.ts';
import type { MetricName } from 'quietcount';
import { formatIsoDay } from '../days.ts';
import { authorizationHeader } from './auth.ts';
import { collectDailyCounts, dayQueries } from './collect.ts';
import { renderReport } from './format.ts';
import { PrometheusApi } from './prometheus-api.ts';
import { importCatalog, locateCatalog } from '../catalog-file.ts';
import { CommandError, processIo, UsageError, type CliIo } from '../cli-io.ts';
import { checkEventNames, parseReportArgs, type ReportOptions } from './args.ts';
import { helpText } from './help.ts';
import { dayProgress } from './progress.ts';

const USAGE_METRIC: MetricName = 'analytics_events_total';

/** The synopsis printed after a mistake on the command line: the whole help is long. */
export const usage = (): string => 'usage: quietcount report --prometheus URL [options]   (quietcount report --help shows every option)\n';

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseReportArgs(argv, io.env, io.now());
  if (parsed.help) io.stdout.write(`${helpText()}\n`);
  else await report(parsed.options, io);
  return 0;
}

async function report(options: ReportOptions, io: CliIo): Promise<void> {
  const auth = options.auth === undefined ? undefined : { option: options.auth, header: authorizationHeader(options.auth) };
  const api = new PrometheusApi({
    baseUrl: options.prometheusUrl,
    auth,
    onWarning: (warning) => io.stderr.write(`quietcount report: Prometheus warns: ${warning}\n`),
  });
  await checkAskedEventNames(options, api, io);
  const progress = dayProgress(io.stderr, dayQueries(options.fromDay, options.toDay), options.forceProgress || io.stderr.isTTY === true);
  let counts;
  try {
    counts = await collectDailyCounts({
      api,
      selector: usageSelector(USAGE_METRIC, options.eventNames, options.eventIds.length === 0 ? [] : [oneOf('event_id', options.eventIds)]),
      fromDay: options.fromDay,
      toDay: options.toDay,
      onDayRead: () => {
        progress.tick();
      },
    });
  } finally {
    progress.stop();
  }
  const rendered = renderReport(counts, {
    format: options.format,
    minCount: options.minCount,
    from: formatIsoDay(options.fromDay),
    to: formatIsoDay(options.toDay),
  });
  io.stdout.write(rendered.stdout);
  if (rendered.notice !== undefined) io.stderr.write(`quietcount report: ${rendered.notice}\n`);
}

/** `--event` names must be the catalog's when there is one, or names Prometheus has seen when there is none. */
async function checkAskedEventNames(options: ReportOptions, api: PrometheusApi, io: CliIo): Promise<void> {
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
  checkEventNames(options.eventNames, await api.labelValues('event_name', USAGE_METRIC), `Prometheus (event_name of ${USAGE_METRIC})`);
}
