/** `quietcount publish --help`: the options, and the disclosure rules a publisher must know before sharing the page. */
import { CONNECTION_HELP } from './connection.ts';
import { DEFAULT_PERIOD_COUNT, PERIODS } from './periods.ts';

export function helpText(): string {
  return `usage: quietcount publish --prometheus URL --out DIR [options]

Writes a public aggregates page into DIR: aggregates.json, aggregates.csv and index.html (self-contained: no
script, nothing fetched). Only the events the catalog marks publish: true, only their totals per period; the exact
daily counts come from the Prometheus HTTP API, read as quietcount report reads them. The same counts give the same
bytes, so the output can be committed and its diff reviewed.

options:
${CONNECTION_HELP}
  --out DIR                 where to write the three files (never node_modules)
  --period PERIOD           ${PERIODS.join(', ')}: UTC days, ISO weeks (Monday to Sunday) or calendar months
                            (default: week)
  --from YYYY-MM-DD         first day of the first period (default: ${String(DEFAULT_PERIOD_COUNT.day)} days, ${String(DEFAULT_PERIOD_COUNT.week)} weeks or ${String(DEFAULT_PERIOD_COUNT.month)} months before --to)
  --to YYYY-MM-DD           last day of the last period, before today (default: the last complete period)
  --catalog FILE            the app's catalog (default: package.json "quietcount": { "catalog" }, else
                            ./quietcount.catalog.ts, .mts, .js, .mjs or .cjs)
  --check                   write nothing; exit 1 when a file in DIR differs from what the counts give
  -h, --help                show this help

Disclosure control, with the catalog's publication settings (minCount, default 10; rounding, default 5):
  - a count from 1 to minCount - 1 is suppressed (null in JSON, empty in CSV); a 0 is published;
  - a total is suppressed beside exactly one suppressed count, and beside k of them unless their sum S has
    max(minCount, k + 2) <= S < k * (minCount - 1), so no suppressed count can be worked out from it;
  - what is published is rounded to the nearest multiple of the rounding base (a half up); a total is the exact
    sum, rounded once.

exit codes: 0 done, 1 Prometheus failed or refused (or --check found a difference), 2 bad command line`;
}
