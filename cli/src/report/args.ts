/**
 * The report's command line → validated options, or a usage error that says what is wrong and what is allowed.
 */
import { OTHER, canonicalEventId, isEventName } from 'quietcount';
import { DAY_MS, formatIsoDay, parseIsoDay, utcDayStart } from '../days.ts';
import { CONNECTION_OPTIONS, connectionOptions, type ConnectionOptions } from './connection.ts';
import { UsageError } from '../cli-io.ts';
import { parseCommandLine } from '../command-line.ts';
import { REPORT_FORMATS, type ReportFormat } from './format.ts';


export interface ReportOptions {
  /** Where Prometheus is and how to reach it (`--prometheus`, credentials, `--header`). */
  readonly connection: ConnectionOptions;
  /** Midnights (UTC) of the first and last day reported, both included. */
  readonly fromDay: number;
  readonly toDay: number;
  /** Empty: every event name. Checked against the catalog, or against Prometheus when there is none. */
  readonly eventNames: readonly string[];
  /** `--catalog`, when given. */
  readonly catalog: string | undefined;
  /** Empty: every event id. */
  readonly eventIds: readonly string[];
  readonly format: ReportFormat;
  readonly minCount: number | undefined;
  readonly forceProgress: boolean;
}

export type ParsedReportArgs = { readonly help: true } | { readonly help: false; readonly options: ReportOptions };

const DEFAULT_DAYS = 7;

const optionSpec = {
  ...CONNECTION_OPTIONS,
  from: { type: 'string' },
  to: { type: 'string' },
  event: { type: 'string', multiple: true },
  catalog: { type: 'string' },
  'event-id': { type: 'string', multiple: true },
  format: { type: 'string' },
  'min-count': { type: 'string' },
  progress: { type: 'boolean' },
} as const;

export function parseReportArgs(argv: readonly string[], env: NodeJS.ProcessEnv, now: Date): ParsedReportArgs {
  const parsed = parseCommandLine(argv, optionSpec);
  if (parsed.help) return { help: true };
  const { values } = parsed;
  const { fromDay, toDay } = reportDays(values.from, values.to, now);
  return {
    help: false,
    options: {
      connection: connectionOptions(values, env),
      fromDay,
      toDay,
      eventNames: selectedEventNames(commaList(values.event)),
      catalog: values.catalog,
      eventIds: commaList(values['event-id']).map(eventIdOption),
      format: reportFormat(values.format),
      minCount: values['min-count'] === undefined ? undefined : minCount(values['min-count']),
      forceProgress: values.progress === true,
    },
  };
}

function day(option: string, text: string): number {
  const dayStart = parseIsoDay(text);
  if (dayStart === undefined) throw new UsageError(`${option} "${text}" is not a date: expected YYYY-MM-DD (a UTC day)`);
  return dayStart;
}

function reportDays(from: string | undefined, to: string | undefined, now: Date): { fromDay: number; toDay: number } {
  const toDay = to === undefined ? utcDayStart(now.getTime()) - DAY_MS : day('--to', to);
  const fromDay = from === undefined ? toDay - (DEFAULT_DAYS - 1) * DAY_MS : day('--from', from);
  if (fromDay > toDay) {
    throw new UsageError(`--from ${formatIsoDay(fromDay)} is after --to ${formatIsoDay(toDay)}`);
  }
  return { fromDay, toDay };
}

function commaList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
}

/** Well-formed names only here; whether they exist is checked against the catalog or Prometheus (main.ts). */
function selectedEventNames(names: readonly string[]): string[] {
  const malformed = names.filter((name) => !isEventName(name));
  if (malformed.length > 0) {
    throw new UsageError(`--event ${malformed.map((name) => JSON.stringify(name.slice(0, 64))).join(', ')} is not an event name (lower-case letters, digits and _)`);
  }
  return [...new Set(names)];
}

/** Names not in `known`, as an error that lists the valid ones; `source` says where they come from. */
export function checkEventNames(names: readonly string[], known: readonly string[], source: string): void {
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown --event ${unknown.map((name) => `"${name}"`).join(', ')}: ${source} has ${known.length === 0 ? 'no event names' : known.join(', ')}`);
  }
}

function eventIdOption(text: string): string {
  const eventId = text === OTHER ? OTHER : canonicalEventId(text);
  if (eventId === undefined) {
    throw new UsageError(`--event-id "${text}" is not an event id: expected a positive integer, a UUID or ${OTHER}`);
  }
  return eventId;
}

function reportFormat(text: string | undefined): ReportFormat {
  if (text === undefined) return 'table';
  const format = REPORT_FORMATS.find((candidate) => candidate === text);
  if (format === undefined) throw new UsageError(`--format "${text}" is not one of ${REPORT_FORMATS.join(', ')}`);
  return format;
}

function minCount(text: string): number {
  const k = /^[1-9][0-9]{0,8}$/.test(text) ? Number(text) : undefined;
  if (k === undefined) throw new UsageError(`--min-count "${text}" must be a positive integer`);
  return k;
}
