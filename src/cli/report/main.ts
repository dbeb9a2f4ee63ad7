/**
 * `quietcount report`: exact daily counts per event from Prometheus. Wires the parts together and turns every
 * failure into one line on stderr and a non-zero exit code.
 */
import { parseReportArgs, type ReportOptions } from './args.ts';
import { authorizationHeader } from './auth.ts';
import { collectDailyCounts, dayQueries } from './collect.ts';
import { formatIsoDay } from './days.ts';
import { ReportError } from './errors.ts';
import { renderReport } from './format.ts';
import { helpText } from './help.ts';
import { PrometheusApi } from './prometheus-api.ts';
import { dayProgress } from './progress.ts';
import { usageSelector } from './selector.ts';

export interface ReportIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
}

const processIo: ReportIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => new Date() };

export async function main(argv: string[], io: ReportIo = processIo): Promise<number> {
  try {
    const parsed = parseReportArgs(argv, io.env, io.now());
    if (parsed.help) {
      io.stdout.write(`${helpText()}\n`);
    } else {
      await report(parsed.options, io);
    }
    return 0;
  } catch (error) {
    const message = error instanceof ReportError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr.write(`quietcount report: ${message}\n`);
    return error instanceof ReportError ? error.exitCode : 1;
  }
}

async function report(options: ReportOptions, io: ReportIo): Promise<void> {
  const auth = options.auth === undefined ? undefined : { option: options.auth, header: await authorizationHeader(options.auth) };
  const api = new PrometheusApi({
    baseUrl: options.prometheusUrl,
    auth,
    onWarning: (warning) => io.stderr.write(`quietcount report: Prometheus warns: ${warning}\n`),
  });
  const progress = dayProgress(io.stderr, dayQueries(options.fromDay, options.toDay), options.forceProgress || io.stderr.isTTY === true);
  let counts;
  try {
    counts = await collectDailyCounts({
      api,
      selector: usageSelector(options.eventNames, options.eventIds),
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
