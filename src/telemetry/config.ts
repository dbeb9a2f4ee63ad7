/**
 * Options and environment → the one resolved configuration of a telemetry instance. Explicit options win over
 * the environment, which wins over defaults; opt-out is the exception (either source turns collection off). Every
 * problem, of an option or a variable, is reported at once in one ConfigError.
 */
import { isAbsolute } from 'node:path';
import { DEFAULT_MAX_EVENT_IDS, MAX_EVENT_IDS_LIMIT } from '../schema/bounds.ts';
import { ConfigError, EnvReader } from './env-reader.ts';
import { LOG_LEVELS, type LogLevel, type TelemetrySettings } from './options.ts';
import { defaultPeersDirectory } from './cluster/peer-socket.ts';

export type OptOutSource = 'ANALYTICS_DISABLED' | 'DO_NOT_TRACK' | 'option';

export interface TelemetryConfig {
  readonly metricsHost: string;
  readonly metricsPort: number;
  readonly metricsToken: string | undefined;
  /** False under opt-out. */
  readonly collecting: boolean;
  /** What turned collection off, for the start-up log line and /analytics/catalog. */
  readonly optOut: OptOutSource | undefined;
  readonly logLevel: LogLevel;
  readonly maxEventIds: number;
  readonly strict: boolean;
  readonly zeroHoldMs: number;
  readonly handoverIntervalMs: number;
  /** Where the instances of a PM2 cluster meet (their socket), for the one serving /metrics to get the others' counts. */
  readonly peersDirectory: string;
}

const DEFAULT_METRICS_HOST = '127.0.0.1';
const DEFAULT_METRICS_PORT = 9464;
const MAX_PORT = 65_535;
export const DEFAULT_ZERO_HOLD_MS = 60_000;
export const DEFAULT_HANDOVER_INTERVAL_MS = 1_000;
const MAX_ZERO_HOLD_MS = 3_600_000;
const MIN_HANDOVER_INTERVAL_MS = 10;
const MAX_HANDOVER_INTERVAL_MS = 60_000;

export function resolveTelemetryConfig(options: TelemetrySettings, env: NodeJS.ProcessEnv): TelemetryConfig {
  const read = new EnvReader(env);
  const problems = read.problems;
  const explicitInteger = (name: string, value: number | undefined, min: number, max: number): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`option ${name} must be a whole number from ${String(min)} to ${String(max)}`);
    }
    return value;
  };
  const metrics = options.metrics ?? {};
  if (metrics.host !== undefined && (typeof metrics.host !== 'string' || metrics.host === '')) problems.push('option metrics.host must be a host name or address');
  if (metrics.token !== undefined && (typeof metrics.token !== 'string' || metrics.token === '')) problems.push('option metrics.token must be a non-empty string');
  if (options.logLevel !== undefined && !LOG_LEVELS.includes(options.logLevel)) problems.push(`option logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  if (options.peersDirectory !== undefined && !isAbsolute(options.peersDirectory)) problems.push('option peersDirectory must be an absolute path');

  const analyticsDisabled = read.flag('ANALYTICS_DISABLED', ['true', '1', 'yes']);
  const doNotTrack = read.flag('DO_NOT_TRACK', ['1', 'true', 'yes']);
  const optOut: OptOutSource | undefined = analyticsDisabled
    ? 'ANALYTICS_DISABLED'
    : doNotTrack
      ? 'DO_NOT_TRACK'
      : options.disabled === true
        ? 'option'
        : undefined;
  const nodeEnv = read.string('NODE_ENV', 'production');

  const config: TelemetryConfig = {
    metricsHost: metrics.host ?? read.string('METRICS_HOST', DEFAULT_METRICS_HOST),
    metricsPort: explicitInteger('metrics.port', metrics.port, 0, MAX_PORT) ?? read.integer('METRICS_PORT', DEFAULT_METRICS_PORT, 0, MAX_PORT),
    metricsToken: metrics.token ?? read.secret('METRICS_TOKEN'),
    collecting: optOut === undefined,
    optOut,
    logLevel: options.logLevel ?? read.oneOf('ANALYTICS_LOG_LEVEL', LOG_LEVELS, 'info'),
    maxEventIds:
      explicitInteger('maxEventIds', options.maxEventIds, 1, MAX_EVENT_IDS_LIMIT) ??
      read.integer('ANALYTICS_MAX_EVENT_IDS', DEFAULT_MAX_EVENT_IDS, 1, MAX_EVENT_IDS_LIMIT),
    strict: options.strict ?? read.optionalFlag('ANALYTICS_STRICT') ?? (nodeEnv === 'test' || nodeEnv === 'development'),
    zeroHoldMs:
      explicitInteger('zeroHoldMs', options.zeroHoldMs, 0, MAX_ZERO_HOLD_MS) ??
      read.integer('ANALYTICS_ZERO_HOLD_MS', DEFAULT_ZERO_HOLD_MS, 0, MAX_ZERO_HOLD_MS),
    handoverIntervalMs:
      explicitInteger('handoverIntervalMs', options.handoverIntervalMs, MIN_HANDOVER_INTERVAL_MS, MAX_HANDOVER_INTERVAL_MS) ??
      read.integer('ANALYTICS_HANDOVER_INTERVAL_MS', DEFAULT_HANDOVER_INTERVAL_MS, MIN_HANDOVER_INTERVAL_MS, MAX_HANDOVER_INTERVAL_MS),
    peersDirectory: options.peersDirectory ?? read.absolutePath('ANALYTICS_PEERS_DIR', defaultPeersDirectory()),
  };
  read.done();
  return config;
}

/**
 * The settings the environment gives (`METRICS_HOST`, `METRICS_PORT`, `METRICS_TOKEN[_FILE]`,
 * `ANALYTICS_DISABLED`, `DO_NOT_TRACK`, `ANALYTICS_LOG_LEVEL`, `ANALYTICS_MAX_EVENT_IDS`, `ANALYTICS_STRICT`,
 * `ANALYTICS_ZERO_HOLD_MS`, `ANALYTICS_HANDOVER_INTERVAL_MS`, `ANALYTICS_PEERS_DIR`, `NODE_ENV`), with every bad
 * variable named at once.
 */
export function telemetryOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Required<TelemetrySettings> {
  const config = resolveTelemetryConfig({}, env);
  return {
    metrics: { host: config.metricsHost, port: config.metricsPort, ...(config.metricsToken === undefined ? {} : { token: config.metricsToken }) },
    maxEventIds: config.maxEventIds,
    disabled: !config.collecting,
    logLevel: config.logLevel,
    strict: config.strict,
    zeroHoldMs: config.zeroHoldMs,
    handoverIntervalMs: config.handoverIntervalMs,
    peersDirectory: config.peersDirectory,
  };
}

export { ConfigError };
