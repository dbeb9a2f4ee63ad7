/**
 * TELEMETRY.md, the public page of what an app collects through quietcount, rendered from the app's catalog and
 * quietcount's schema: one row per metric family and one per usage event, so the page cannot drift from the code.
 */
import { OTHER, metricFamilies, rejectionReasons, type CatalogModel, type EventDefinition } from 'quietcount';

export const TELEMETRY_MD = 'TELEMETRY.md';

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export interface TelemetryMdOptions {
  /** The catalog's path as the app's team knows it, for the "generated from" line. */
  readonly catalogPath: string;
}

export function renderTelemetryMd(catalog: CatalogModel, options: TelemetryMdOptions): string {
  const subject = catalog.appNamed ? catalog.app : 'this app';
  const events = [...catalog.events];
  const lines = [
    `# What ${subject} collects`,
    '',
    `<!-- Generated from ${options.catalogPath} by \`quietcount docs\`. Do not edit: \`quietcount docs --check\` fails when this file is stale. -->`,
    '',
    'Only aggregated counters, through quietcount. No metric, label, log line or error message carries an email, a name,',
    'a phone number, profile text, search text, an IP address, a user agent, a token or a user id. An `event_id`',
    `identifies ${catalog.eventIdMeaning}, never a person. ${retentionSentence(catalog.monitoring.retentionDays)}`,
    '',
    'Collection is off when `ANALYTICS_DISABLED=true` or `DO_NOT_TRACK=1`: usage counters then record and export',
    'nothing. With `ANALYTICS_LOG_LEVEL=debug` every recorded increment is logged as one JSON line. The metrics listener',
    'serves this catalog as JSON at `/analytics/catalog`, with whether collection is on.',
    '',
    '## Metrics',
    '',
    '| metric | labels | what is counted | question it answers | bound |',
    '|---|---|---|---|---|',
    ...Object.entries(metricFamilies).map(
      ([name, family]) =>
        `| \`${name}\` | ${family.labels.map((label) => `\`${label}\``).join(', ')} | ${cell(family.description)} | ${cell(family.question)} | ${cell(family.bound)} |`,
    ),
    '',
    '## Usage events (`event_name` of `analytics_events_total`)',
    '',
    'Source `memory`: counted in the app as it happens. Source `table`: derived from an append-only table of the app,',
    `so it survives restarts. Beyond the per-event bound of distinct event ids, counts go to \`event_id="${OTHER}"\`.`,
    'An entry past its expiry date is no longer recorded.',
    '',
    '| event_name | what is counted | question it answers | source | owner | added | expires |',
    '|---|---|---|---|---|---|---|',
    ...events.map(([name, event]) => eventRow(name, event)),
    '',
    ...publishedFigures(catalog),
    '## Rejection reasons (`reason` of `analytics_rejected_total`)',
    '',
    '| reason | meaning |',
    '|---|---|',
    ...Object.entries(rejectionReasons).map(([reason, meaning]) => `| \`${reason}\` | ${cell(meaning)} |`),
    '',
  ];
  return lines.join('\n');
}

/** Which events the public aggregates page may show, and under which rules: every line true to the catalog. */
function publishedFigures(catalog: CatalogModel): string[] {
  const { eventNames, minCount, rounding } = catalog.publication;
  const heading = ['## Published figures (`quietcount publish`)', ''];
  if (eventNames.length === 0) {
    return [...heading, 'No event is marked `publish: true`: `quietcount publish` has nothing of this app to show.', ''];
  }
  return [
    ...heading,
    `Only these events may appear on the public aggregates page: ${eventNames.map((name) => `\`${name}\``).join(', ')}.`,
    'It shows their totals per day, week or month, never an `event_id`, an endpoint or a rejection reason. A count',
    `from 1 to ${String(minCount - 1)} is suppressed, and so is a total that would let a suppressed count be worked out;`,
    rounding === 1 ? 'the other figures are exact.' : `the other figures are rounded to the nearest multiple of ${String(rounding)}.`,
    '',
  ];
}

function eventRow(name: string, event: EventDefinition): string {
  const title = event.displayName === undefined ? `\`${name}\`` : `\`${name}\` (${cell(event.displayName)})`;
  return `| ${title} | ${cell(event.description)} | ${cell(event.question)} | ${event.source} | ${cell(event.owner)} | ${event.added} | ${event.expires} |`;
}

/** What the catalog says of retention, or that the Prometheus server sets it: never a figure the app did not give. */
function retentionSentence(days: number | undefined): string {
  return days === undefined
    ? 'How long the samples are kept is set by the Prometheus server that stores them (its retention).'
    : `Prometheus keeps the samples for ${String(days)} days.`;
}
