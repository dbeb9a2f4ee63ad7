/**
 * TELEMETRY.md, the public page of what quietcount collects, rendered from the catalog: one row per metric and
 * one per usage event name, so the page cannot drift from the code.
 */
import { metrics, OTHER, rejectionReasons, usageEvents, type Stewardship } from '../catalog.ts';

const cell = (text: string): string => text.replaceAll('|', '\\|');
const expiry = (entry: Stewardship): string => (entry.expires === 'never' ? 'never' : entry.expires);

export function renderTelemetryMd(): string {
  const lines = [
    '# What quietcount collects',
    '',
    '<!-- Generated from src/catalog.ts by `npm run generate`. Do not edit: `npm test` fails when this file is stale. -->',
    '',
    'Only aggregated counters. No metric, label, log line or error message carries an email, a name, a phone number,',
    'profile text, search text, an IP address, a user agent, a token or a user id. An `event_id` identifies an event',
    '(the gathering people sign up to), never a person. Samples are kept by Prometheus for 180 days.',
    '',
    'Collection is off when `ANALYTICS_DISABLED=true` or `DO_NOT_TRACK=1`: usage counters then record and export',
    'nothing. With `ANALYTICS_LOG_LEVEL=debug` every recorded increment is logged as one JSON line. The metrics listener',
    'serves this catalog as JSON at `/analytics/catalog`, with whether collection is on.',
    '',
    '## Metrics',
    '',
    '| metric | labels | what is counted | question it answers | bound | owner | added | expires |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.entries(metrics).map(
      ([name, m]) =>
        `| \`${name}\` | ${m.labels.map((label) => `\`${label}\``).join(', ')} | ${cell(m.description)} | ${cell(m.question)} | ${cell(m.bound)} | ${m.owner} | ${m.added} | ${expiry(m)} |`,
    ),
    '',
    '## Usage events (`event_name` of `analytics_events_total`)',
    '',
    'Source `memory`: counted in the app as it happens. Source `table`: derived from an append-only table of the app,',
    `so it survives restarts. Beyond the per-event bound of distinct event ids, counts go to \`event_id="${OTHER}"\`.`,
    '',
    '| event_name | what is counted | question it answers | source | owner | added | expires |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(usageEvents).map(
      ([name, e]) =>
        `| \`${name}\` | ${cell(e.description)} | ${cell(e.question)} | ${e.source} | ${e.owner} | ${e.added} | ${expiry(e)} |`,
    ),
    '',
    '## Rejection reasons (`reason` of `analytics_rejected_total`)',
    '',
    '| reason | meaning |',
    '|---|---|',
    ...Object.entries(rejectionReasons).map(([reason, meaning]) => `| \`${reason}\` | ${cell(meaning)} |`),
    '',
  ];
  return lines.join('\n');
}
