/**
 * `quietcount publish`'s command line → validated options, or a usage error that says what is wrong and what is
 * allowed. The Prometheus connection options (`--prometheus`, `--bearer-token-file`, `--basic-auth-file`, `--header`,
 * `--header-file`) are the report's, read by connection.ts.
 */
import { DAY_MS, formatIsoDay, parseIsoDay, utcDayStart } from '../days.ts';
import { UsageError } from '../cli-io.ts';
import { parseCommandLine } from '../command-line.ts';
import { CONNECTION_OPTIONS, connectionOptions, type ConnectionOptions } from './connection.ts';
import { DEFAULT_PERIOD_COUNT, PERIODS, periodStart, wholePeriodsProblem, type Period } from './periods.ts';

export interface PublishOptions {
  readonly connection: ConnectionOptions;
  /** Where the three files go. */
  readonly out: string;
  readonly period: Period;
  /** Midnights (UTC) of the first and last day published, both included: whole periods. */
  readonly fromDay: number;
  readonly toDay: number;
  /** `--catalog`, when given. */
  readonly catalog: string | undefined;
  /** Compare with the files in `out` instead of writing them. */
  readonly check: boolean;
}

export type ParsedPublishArgs = { readonly help: true } | { readonly help: false; readonly options: PublishOptions };

const DEFAULT_PERIOD: Period = 'week';

const optionSpec = {
  ...CONNECTION_OPTIONS,
  out: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  period: { type: 'string' },
  catalog: { type: 'string' },
  check: { type: 'boolean' },
} as const;

export function parsePublishArgs(argv: readonly string[], env: NodeJS.ProcessEnv, now: Date): ParsedPublishArgs {
  const parsed = parseCommandLine(argv, optionSpec);
  if (parsed.help) return { help: true };
  const { values } = parsed;
  if (values.out === undefined || values.out === '') throw new UsageError('--out DIR is required: the folder the page is written to');
  const period = periodOption(values.period);
  const { fromDay, toDay } = publishedDays(period, values.from, values.to, now);
  return {
    help: false,
    options: {
      connection: connectionOptions(values, env),
      out: values.out,
      period,
      fromDay,
      toDay,
      catalog: values.catalog,
      check: values.check === true,
    },
  };
}

function periodOption(text: string | undefined): Period {
  if (text === undefined) return DEFAULT_PERIOD;
  const period = PERIODS.find((candidate) => candidate === text);
  if (period === undefined) throw new UsageError(`--period "${text}" is not one of ${PERIODS.join(', ')}`);
  return period;
}

function day(option: string, text: string): number {
  const dayStart = parseIsoDay(text);
  if (dayStart === undefined) throw new UsageError(`${option} "${text}" is not a date: expected YYYY-MM-DD (a UTC day)`);
  return dayStart;
}

/**
 * By default the last complete periods. Only periods that have ended: a page of a period still running would be
 * published again with other counts, and two versions of one page subtracted from each other give the count of the
 * hours between them, however small.
 */
function publishedDays(period: Period, from: string | undefined, to: string | undefined, now: Date): { fromDay: number; toDay: number } {
  const today = utcDayStart(now.getTime());
  const toDay = to === undefined ? periodStart(period, today) - DAY_MS : day('--to', to);
  if (toDay >= today) throw new UsageError(`--to ${formatIsoDay(toDay)} has not ended yet: only days before today (${formatIsoDay(today)}, UTC) are published`);
  let fromDay: number;
  if (from === undefined) {
    fromDay = periodStart(period, toDay);
    for (let earlier = 1; earlier < DEFAULT_PERIOD_COUNT[period]; earlier += 1) fromDay = periodStart(period, fromDay - DAY_MS);
  } else {
    fromDay = day('--from', from);
  }
  if (fromDay > toDay) throw new UsageError(`--from ${formatIsoDay(fromDay)} is after --to ${formatIsoDay(toDay)}`);
  const problem = wholePeriodsProblem(period, fromDay, toDay);
  if (problem !== undefined) throw new UsageError(problem);
  return { fromDay, toDay };
}
