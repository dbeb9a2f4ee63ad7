/**
 * Environment → the reference app's typed configuration (the telemetry library reads its own variables).
 * Problems are reported all at once and never echo a secret.
 */
import { EnvReader } from '../telemetry/env-reader.ts';

export interface AppConfig {
  /** Interface of the app listener. Loopback by default, like the metrics listener; containers set 0.0.0.0. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** A file path, or `:memory:`. */
  readonly databasePath: string;
  /** Unset: creating events is refused. */
  readonly adminToken: string | undefined;
  /** How long a stopping app keeps its metrics listener up, waiting for the final scrape. */
  readonly shutdownGraceMs: number;
}

export const DEFAULT_DATABASE_PATH = './data/quietcount.db';
/** Longer than a usual 15 s scrape interval, so one more scrape fits in. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const read = new EnvReader(env);
  const config: AppConfig = {
    host: read.string('HOST', '127.0.0.1'),
    port: read.integer('PORT', 8080, 0, 65_535),
    databasePath: read.string('DATABASE_PATH', DEFAULT_DATABASE_PATH),
    adminToken: read.secret('ADMIN_TOKEN'),
    shutdownGraceMs: read.integer('SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS, 0, 600_000),
  };
  read.done();
  return config;
}
