/**
 * The alerts of an app: usage drop-offs and error spikes, and the health of the telemetry itself. The job,
 * the thresholds and the watched events come from the catalog (`monitoring`, `dropOffAlert`), never from literals.
 * Labels: `severity` plus the schema labels the expression keeps (endpoint, event_name, reason) or Prometheus' own
 * (job, instance); no label can name a person.
 */
import { OTHER, UNMATCHED, type CatalogModel } from 'quietcount';
import { dropOffEvents } from '../catalog-views.ts';
import { matcher, oneOf } from '../../promql.ts';
import { percent } from '../text.ts';
import type { AlertRuleSpec, RuleGroupSpec } from './rule-specs.ts';
import { CLIENT_ERROR_RATIO, OVERFLOW_USAGE_RATE, REJECTION_RATE, RESPONSE_RATE, SERVER_ERROR_RATIO, USAGE_6H } from './rule-names.ts';

export const ALERTS_GROUP = 'quietcount-alerts';

export function alertRuleGroups(catalog: CatalogModel): RuleGroupSpec<AlertRuleSpec>[] {
  const { job, serverErrorRatio, clientErrorRatio, minResponsesPer5m, dropOffRatio, dropOffMinimumLastWeek } = catalog.monitoring;
  const jobSelector = matcher('job', '=', job);
  const traffic = `${RESPONSE_RATE} * 300 >= ${String(minResponsesPer5m)}`;
  const watched = dropOffEvents(catalog);
  const trafficText = `at least ${String(minResponsesPer5m)} responses per 5 minutes`;

  const rules: AlertRuleSpec[] = [
    {
      alert: 'QuietcountHttpErrorRateSpike',
      comment: 'The traffic floor keeps one failure in two requests from paging anyone.',
      expr: `${SERVER_ERROR_RATIO} > ${String(serverErrorRatio)}\nand\n${traffic}\n`,
      for: '5m',
      severity: 'critical',
      firesWhen: `> ${percent(serverErrorRatio)} of an endpoint's responses are 5xx for 5m, with >= ${String(minResponsesPer5m)} responses per 5m`,
      summary: '{{ $labels.endpoint }}: {{ $value | humanizePercentage }} of responses are server errors',
      description: `{{ $value | humanizePercentage }} of the responses of {{ $labels.endpoint }} over the last 5 minutes were 5xx (threshold ${percent(serverErrorRatio)}, ${trafficText}), for 5 minutes. The app answers bad input with a 4xx, so a 5xx is a bug or a broken dependency: check the app's logs for this route.`,
    },
    {
      alert: 'QuietcountHttpClientErrorsHigh',
      comment: `"${UNMATCHED}" is left out: scanners live there.`,
      expr: `${CLIENT_ERROR_RATIO}{endpoint!="${UNMATCHED}"} > ${String(clientErrorRatio)}\nand\n${traffic}\n`,
      for: '15m',
      severity: 'warning',
      firesWhen: `> ${percent(clientErrorRatio)} of an endpoint's responses are 4xx for 15m, with >= ${String(minResponsesPer5m)} responses per 5m ("${UNMATCHED}" left out)`,
      summary: '{{ $labels.endpoint }}: {{ $value | humanizePercentage }} of responses are client errors',
      description: `{{ $value | humanizePercentage }} of the responses of {{ $labels.endpoint }} over the last 5 minutes were 4xx (threshold ${percent(clientErrorRatio)}, ${trafficText}), for 15 minutes. People may be unable to use what this endpoint serves: a client sending a wrong body, an expired link, or a changed API.`,
    },
  ];
  if (watched.length > 0) {
    rules.push({
      alert: 'QuietcountUsageDropOff',
      comment:
        'Compared with the same hours one week earlier, so the daily and weekly rhythm cancels out. A usage that stopped completely has no series this week: `or ... * 0` turns that into a ratio of 0.',
      expr: `(
  ${USAGE_6H}
  or
  ${USAGE_6H} offset 1w * 0
)
/ ${USAGE_6H} offset 1w
< ${String(dropOffRatio)}
and
${USAGE_6H}{${oneOf('event_name', watched)}} offset 1w >= ${String(dropOffMinimumLastWeek)}
`,
      for: '30m',
      severity: 'warning',
      firesWhen: `${watched.join(', ')} of the last 6h are below ${percent(dropOffRatio)} of the same 6h one week earlier, which had >= ${String(dropOffMinimumLastWeek)}, for 30m`,
      summary: '{{ $labels.event_name }} dropped to {{ $value | humanizePercentage }} of the same hours last week',
      description: `{{ $labels.event_name }} counted {{ $value | humanizePercentage }} of what it counted in the same 6 hours one week earlier (threshold ${percent(dropOffRatio)}, when last week had at least ${String(dropOffMinimumLastWeek)}), for 30 minutes. Check the error alerts and the endpoints behind this event, then whether the drop is real (a holiday, an event that ended).`,
    });
  }
  rules.push(
    {
      alert: 'QuietcountRejectionsRising',
      comment: 'Rejections are instrumentation bugs: the app validates input before it counts. Overflow has its own alerts.',
      expr: `${REJECTION_RATE}{reason!="cardinality_overflow"} * 60 > 0`,
      for: '15m',
      severity: 'warning',
      firesWhen: 'increments are being rejected (any reason but cardinality_overflow) for 15m',
      summary: 'quietcount is rejecting increments: {{ $labels.reason }}',
      description:
        'quietcount has been rejecting increments for reason {{ $labels.reason }} for 15 minutes ({{ $value | humanize }} per minute over the last 5 minutes). The app records something the catalog does not declare, or an event id that is neither a UUID nor a positive integer: these increments are not counted. See TELEMETRY.md for the reasons.',
    },
    {
      alert: 'QuietcountEventIdOverflow',
      expr: `${OVERFLOW_USAGE_RATE} * 60 > 0`,
      for: '30m',
      severity: 'warning',
      firesWhen: `usage events keep landing in event_id="${OTHER}" for 30m`,
      summary: `{{ $labels.event_name }}: new event ids are counted under ${OTHER}`,
      description: `{{ $labels.event_name }} has more distinct event ids than ANALYTICS_MAX_EVENT_IDS allows, and for 30 minutes its increments ({{ $value | humanize }} per minute) have been counted under event_id="${OTHER}": still counted, but not per event. Raise ANALYTICS_MAX_EVENT_IDS (and the scrape job's sample_limit, if it sets one), or check that event ids really are events and not something unbounded.`,
    },
    {
      alert: 'QuietcountEndpointOverflow',
      expr: `${RESPONSE_RATE}{endpoint="${OTHER}"} * 60 > 0`,
      for: '30m',
      severity: 'warning',
      firesWhen: `HTTP responses keep landing in endpoint="${OTHER}" for 30m`,
      summary: `HTTP responses are counted under endpoint="${OTHER}"`,
      description: `The app has reported more distinct endpoints than the bound allows, and for 30 minutes responses ({{ $value | humanize }} per minute) have been counted under endpoint="${OTHER}". An endpoint must be a method and a route template: check that no raw URL is reported as an endpoint.`,
    },
    {
      alert: 'QuietcountMetricsTargetDown',
      expr: `up{${jobSelector}} == 0`,
      for: '5m',
      severity: 'critical',
      firesWhen: `a scrape target of job ${job} fails (up == 0) for 5m`,
      summary: 'Prometheus cannot scrape {{ $labels.instance }}',
      description:
        "Scrapes of {{ $labels.instance }} (job {{ $labels.job }}) have failed for 5 minutes: the app is down, its metrics listener is unreachable, the bearer token Prometheus sends (its credentials_file) does not match the app's METRICS_TOKEN (the app answers 401), or the scrape exceeds the job's sample_limit. Counts stay in the app until it is scraped again, unless it restarts. The Targets page of Prometheus shows the error.",
    },
    {
      alert: 'QuietcountMetricsTargetMissing',
      expr: `absent(up{${jobSelector}})`,
      for: '10m',
      severity: 'critical',
      firesWhen: `no target of job ${job} at all for 10m`,
      summary: `Prometheus has no ${job} target to scrape`,
      description: `No target of job ${job} has existed for 10 minutes, so nothing is collected and no other quietcount alert can fire. The scrape configuration or its service discovery lost the app.`,
    },
  );
  return [{ name: ALERTS_GROUP, interval: '1m', rules }];
}
