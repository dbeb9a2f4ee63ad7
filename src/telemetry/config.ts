/**
 * Environment → typed configuration. Every problem is reported at once, naming the variable; secret values are
 * never echoed.
 */
import { readFileSync } from 'node:fs';

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TelemetryConfig {
  readonly metricsHost: string;
  readonly metricsPort: number;
  /** Bearer token required on the metrics listener, when set. */
  readonly metricsToken: string | undefined;
  /** False under ANALYTICS_DISABLED=true or DO_NOT_TRACK=1. */
  readonly collecting: boolean;
  /** The variable that turned collection off, for the start-up log line. */
  readonly optOutVariable: 'ANALYTICS_DISABLED' | 'DO_NOT_TRACK' | undefined;
  readonly logLevel: LogLevel;
  readonly maxEventIds: number;
  /** Throw on a broken rule instead of only counting it: on under NODE_ENV=test or development. */
  readonly strict: boolean;
}

export const DEFAULT_MAX_EVENT_IDS = 1000;
/** A ceiling on the ceiling: past this, the series count would hurt Prometheus more than any dashboard helps. */
const MAX_EVENT_IDS_LIMIT = 100_000;

type Env = NodeJS.ProcessEnv;

/** Collects problems so a misconfigured deployment learns everything wrong in one start. */
export class EnvReader {
  readonly problems: string[] = [];
  private readonly env: Env;

  constructor(env: Env) {
    this.env = env;
  }

  string(name: string, fallback: string): string {
    const value = this.env[name];
    return value === undefined || value === '' ? fallback : value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name} must be a whole number from ${String(min)} to ${String(max)}`);
      return fallback;
    }
    return Number(raw);
  }

  flag(name: string, truthy: readonly string[]): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
    if (truthy.includes(raw)) return true;
    this.problems.push(`${name} must be one of ${[...truthy, 'false', '0'].join(', ')} or unset`);
    return false;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}`);
    return fallback;
  }

  /** `NAME` or `NAME_FILE` (a path whose content, trimmed, is the secret). Never both. */
  secret(name: string): string | undefined {
    const direct = this.env[name];
    const file = this.env[`${name}_FILE`];
    if (direct !== undefined && direct !== '' && file !== undefined && file !== '') {
      this.problems.push(`set ${name} or ${name}_FILE, not both`);
      return undefined;
    }
    if (file !== undefined && file !== '') {
      let content: string;
      try {
        content = readFileSync(file, 'utf8').trim();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        this.problems.push(`${name}_FILE: cannot read ${file} (${code})`);
        return undefined;
      }
      if (content === '') this.problems.push(`${name}_FILE: ${file} is empty`);
      return content === '' ? undefined : content;
    }
    return direct === undefined || direct === '' ? undefined : direct;
  }

  /** Throws one ConfigError listing every problem found so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

/** Reads `NAME` or `NAME_FILE`; throws a ConfigError naming the variable when the file cannot be read. */
export function readSecret(name: string, env: Env = process.env): string | undefined {
  const reader = new EnvReader(env);
  const value = reader.secret(name);
  reader.done();
  return value;
}

export function loadTelemetryConfig(env: Env = process.env): TelemetryConfig {
  const read = new EnvReader(env);
  const analyticsDisabled = read.flag('ANALYTICS_DISABLED', ['true', '1', 'yes']);
  const doNotTrack = read.flag('DO_NOT_TRACK', ['1', 'true', 'yes']);
  const nodeEnv = read.string('NODE_ENV', 'production');
  const config: TelemetryConfig = {
    metricsHost: read.string('METRICS_HOST', '127.0.0.1'),
    metricsPort: read.integer('METRICS_PORT', 9464, 0, 65_535),
    metricsToken: read.secret('METRICS_TOKEN'),
    collecting: !analyticsDisabled && !doNotTrack,
    optOutVariable: analyticsDisabled ? 'ANALYTICS_DISABLED' : doNotTrack ? 'DO_NOT_TRACK' : undefined,
    logLevel: read.oneOf('ANALYTICS_LOG_LEVEL', LOG_LEVELS, 'info'),
    maxEventIds: read.integer('ANALYTICS_MAX_EVENT_IDS', DEFAULT_MAX_EVENT_IDS, 1, MAX_EVENT_IDS_LIMIT),
    strict: nodeEnv === 'test' || nodeEnv === 'development',
  };
  read.done();
  return config;
}
