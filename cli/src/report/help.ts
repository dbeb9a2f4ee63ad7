/** `quietcount report --help`: the options and the counting rules a reader of the numbers needs to know. */
import { CONNECTION_HELP } from './connection.ts';
import { REPORT_FORMATS } from './format.ts';

export function helpText(): string {
  return `usage: quietcount report --prometheus URL [options]

Exact daily counts of analytics_events_total per event_name, event_id and UTC day, read from the Prometheus HTTP API
(also served by Grafana Mimir, Thanos, Cortex and VictoriaMetrics).

options:
${CONNECTION_HELP}
  --from YYYY-MM-DD         first UTC day reported (default: 6 days before --to)
  --to YYYY-MM-DD           last UTC day reported, included (default: yesterday, so 7 complete days)
  --event NAME              only this event_name; repeat it or separate names with commas. Checked against
                            the app's catalog when one is found, otherwise against the names Prometheus has.
  --catalog FILE            the app's catalog (default: package.json "quietcount": { "catalog" }, else
                            ./quietcount.catalog.ts, .mts, .js, .mjs or .cjs)
  --event-id ID             only this event id (a positive integer, a UUID or __other__); repeatable
  --format FORMAT           ${REPORT_FORMATS.join(', ')} (default: table; csv and json are written as they are read)
  --min-count K             small-cell suppression for sharing outside the core team: counts below K are shown
                            as "<K" (json: "count": null, "suppressed": true) and the hidden cells are counted
  --progress                show progress on stderr even when it is not a terminal
  -h, --help                show this help

How counts are computed: from every raw sample of the counter (not increase(), which extrapolates), per series
the increase between consecutive scrapes; a drop (the app restarted) or a new series counts from 0. Each increase
is counted on the UTC day of the scrape that first saw it: events after a day's last scrape, and events in scrapes
missed around midnight, are counted on the next day. Series are summed over app instances. Days without events
have no row.

What is refused (exit 1, naming the series or the answer, never a value): a sample that is not a finite,
non-negative integer, a sample outside the time asked for, a label value that is not an event name or id, a
series that was not asked for, and any answer that is not the Prometheus API's shape.

Samples are read in pieces (blocks of event ids, a day or part of a day at a time, about 24 MB of answer each), so
memory stays flat whatever the number of series or days.

exit codes: 0 done, 1 Prometheus failed, refused or answered something refused, 2 bad command line`;
}
