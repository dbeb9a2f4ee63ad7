/**
 * What the dashboards know of the Prometheus that serves them beyond the rule names (../rules/rule-names.ts): its
 * scrape interval, the shortest steps that keep a sample in every step, and metrics only newer servers have. (Scrape
 * jobs come from the catalog's `monitoring`.) The example's dashboards test checks them against prometheus.yml.
 */

/** prometheus.yml's global scrape interval (and the data source's `timeInterval`). */
export const SCRAPE_INTERVAL = '15s';

/**
 * Shortest step of a panel reading `*_over_time(x[$__interval])`: twice the interval between samples of x (the 1m
 * rule group, or the scrape), so every step holds at least one sample however evaluations and scrapes jitter.
 */
export const RULE_STEP = '2m';
export const SCRAPE_STEP = '30s';

/**
 * Metrics a dashboard reads that older Prometheus servers do not expose, with the first version that does: their
 * panels show "No data" on an older server (Debian's 2.42, used by the tests, is one).
 */
export const METRICS_SINCE: Readonly<Record<string, string>> = {
  prometheus_tsdb_retention_limit_seconds: '2.48.0',
};
