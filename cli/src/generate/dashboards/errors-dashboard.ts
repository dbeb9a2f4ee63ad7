/**
 * Errors: which endpoints fail, with which status codes, how often, and how much traffic they get.
 * Endpoints are route templates (`GET /api/events/:eventId/directory`), never raw URLs; "unmatched" is every request
 * that matched no route.
 */
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { UNMATCHED, metricFamilies, type CatalogModel } from 'quietcount';
import { datasourceVariable } from './datasource.ts';
import { appDashboard, type ClassicDashboard } from './new-dashboard.ts';
import { instantTableQuery, rangeQuery, timeSeriesPanel, type PanelSpec } from './panels.ts';
import { RULE_STEP } from './prometheus-names.ts';
import { CLIENT_ERROR_RATIO, RESPONSE_RATE, RESPONSE_RATE_BY_STATUS, SERVER_ERROR_RATIO } from '../rules/rule-names.ts';
import { labelTotalsTable } from './tables.ts';
import { percent } from '../text.ts';


const ERROR_STATUS = 'status_code=~"4..|5.."';
/** The rows of the top-failing table: enough to act on, few enough to read. */
const TOP_FAILING = 10;

export function errorsDashboard(catalog: CatalogModel): ClassicDashboard {
  return appDashboard(catalog, 'errors')
    .description(
      `Which endpoints of the app fail, with which status codes, and how much traffic they get. ${metricFamilies.http_responses_total.description}`,
    )
    .time({ from: 'now-24h', to: 'now' })
    .withVariable(datasourceVariable())
    .withPanel(errorRatePanel())
    .withPanel(topFailingPanel())
    .withPanel(
      ratioPanel(
        {
          title: 'Server error ratio (5xx) by endpoint',
          description:
            `Share of each endpoint's responses that were 5xx, worst 5-minute value within each step. The app answers bad input with a 4xx, so any 5xx is a bug or a broken dependency; the QuietcountHttpErrorRateSpike alert fires above ${percent(catalog.monitoring.serverErrorRatio)}.`,
          unit: units.PercentUnit,
          width: 12,
          height: 8,
        },
        SERVER_ERROR_RATIO,
      ),
    )
    .withPanel(
      ratioPanel(
        {
          title: 'Client error ratio (4xx) by endpoint',
          description: `Share of each endpoint's responses that were 4xx (bad input, unknown ids, wrong tokens), worst 5-minute value within each step. "${UNMATCHED}" (no route matched) is where scanners land.`,
          unit: units.PercentUnit,
          width: 12,
          height: 8,
        },
        CLIENT_ERROR_RATIO,
      ),
    )
    .withPanel(requestVolumePanel())
    .build();
}

/**
 * Rule-backed series over long ranges: the rules hold one value per minute, so the mean (or max) of those within
 * each step (`[$__interval]`, at least two of them) keeps every minute in view without reading raw samples.
 */
function timeSeries(spec: PanelSpec): TimeSeriesPanel {
  return timeSeriesPanel(spec, { step: RULE_STEP, legend: 'table' });
}

function errorRatePanel(): TimeSeriesPanel {
  return timeSeries({
    title: 'Errors per second by endpoint and status code',
    description: 'HTTP responses with a 4xx or 5xx status, per second, for each endpoint and status code (mean over each step).',
    unit: units.RequestsPerSecond,
    width: 16,
    height: 9,
  }).withTarget(
    rangeQuery(
      `sum by (endpoint, status_code) (avg_over_time(${RESPONSE_RATE_BY_STATUS}{${ERROR_STATUS}}[$__interval]))`,
      '{{endpoint}} {{status_code}}',
    ),
  );
}

function topFailingPanel(): TablePanel {
  return labelTotalsTable(
    {
      title: 'Top failing endpoints',
      description: `The ${TOP_FAILING} endpoint and status code pairs with the most 4xx and 5xx responses over the chosen range.`,
      unit: units.Short,
      width: 8,
      height: 9,
    },
    ['endpoint', 'status_code'],
    [{ refId: 'A', title: 'Responses' }],
  ).withTarget(
    // Raw counters, for any range: only error series are read, and they are few (at most the app's route
    // templates times the error codes it answers).
    instantTableQuery(
      `topk(${TOP_FAILING}, sum by (endpoint, status_code) (increase(http_responses_total{${ERROR_STATUS}}[$__range])) > 0)`,
    ),
  );
}

function ratioPanel(spec: PanelSpec, rule: string): TimeSeriesPanel {
  return timeSeries(spec)
    .max(1)
    .withTarget(rangeQuery(`max by (endpoint) (max_over_time(${rule}[$__interval]))`, '{{endpoint}}'));
}

function requestVolumePanel(): TimeSeriesPanel {
  return timeSeries({
    title: 'Request volume by endpoint',
    description: 'All HTTP responses per second, whatever their status, for each endpoint (mean over each step).',
    unit: units.RequestsPerSecond,
    width: 24,
    height: 9,
  }).withTarget(rangeQuery(`sum by (endpoint) (avg_over_time(${RESPONSE_RATE}[$__interval]))`, '{{endpoint}}'));
}
