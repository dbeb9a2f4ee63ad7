/**
 * What `createTelemetry()` takes. Every setting is optional: one left out is read from the environment (`env`,
 * `process.env` by default), then falls back to its default. `telemetryOptionsFromEnv()` gives the settings the
 * environment alone would give.
 */
import type { Catalog } from '../catalog/define.ts';
import type { Logger } from './logger.ts';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface MetricsListenerSettings {
  /** Interface of the `/metrics` listener (`METRICS_HOST`, default `127.0.0.1`). */
  readonly host?: string;
  /** Its port (`METRICS_PORT`, default 9464; 0 picks a free one). */
  readonly port?: number;
  /** Bearer token required on it (`METRICS_TOKEN` / `METRICS_TOKEN_FILE`); unset, no token is asked for. */
  readonly token?: string;
}

export interface TelemetrySettings {
  readonly metrics?: MetricsListenerSettings;
  /** Distinct event ids per event name before `__other__` (`ANALYTICS_MAX_EVENT_IDS`, default 1000). */
  readonly maxEventIds?: number;
  /**
   * Opt-out: record nothing and export no usage series. The environment's opt-out (`ANALYTICS_DISABLED=true`,
   * `DO_NOT_TRACK=1`) always applies, whatever this says: the person running the process has the last word.
   */
  readonly disabled?: boolean;
  /** quietcount's own log lines (`ANALYTICS_LOG_LEVEL`, default `info`); `debug` logs every increment. */
  readonly logLevel?: LogLevel;
  /**
   * Throw a QuietcountRuleError on a broken rule instead of only counting it (`ANALYTICS_STRICT`; default: on under
   * `NODE_ENV=test` or `development`).
   */
  readonly strict?: boolean;
  /**
   * How long a new series' first 0 waits for a scraper that has not been served it (`ANALYTICS_ZERO_HOLD_MS`,
   * default 60000): see "Zero first" in the README. At least one scrape interval, so an HA pair both see the 0.
   */
  readonly zeroHoldMs?: number;
  /**
   * In a process that hands its counts over (a cluster worker, a PM2 instance that does not serve /metrics), how
   * often it does (`ANALYTICS_HANDOVER_INTERVAL_MS`, default 1000): the most such a process that crashes can lose.
   */
  readonly handoverIntervalMs?: number;
  /**
   * An absolute path: the directory, private to this OS user (mode 0700), where the instances of a PM2 cluster meet
   * to hand their counts to the one serving /metrics (`ANALYTICS_PEERS_DIR`, default `<tmpdir>/quietcount-<uid>`).
   */
  readonly peersDirectory?: string;
}

export interface TelemetryOptions<C extends Catalog = Catalog> extends TelemetrySettings {
  /** The app's catalog (`defineCatalog()`): the only event names that can be recorded. */
  readonly catalog: C;
  /** Where settings left out are read from; default `process.env`. Pass `{}` to read no environment. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The app's logger for quietcount's own lines, at `logLevel` (pino, or any logger of its `info(object, message)`
   * shape); default: JSON lines on stdout.
   */
  readonly logger?: Logger;
}
