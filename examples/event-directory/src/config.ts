/**
 * Environment → the reference app's typed configuration (the telemetry library reads its own variables).
 * Problems are reported all at once and never echo a secret.
 */
import { EnvReader } from 'quietcount';
import { MIN_EMAIL_KEY_LENGTH } from './db/email-key.ts';

export interface AppConfig {
  /** Interface of the app listener. Loopback by default, like the metrics listener; containers set 0.0.0.0. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** A file path, or `:memory:`. */
  readonly databasePath: string;
  /** Unset: creating events is refused. */
  readonly adminToken: string | undefined;
  /** The key emails are hashed with; unset: a key file beside the database (db/email-key.ts). */
  readonly emailKey: string | undefined;
  /** How long a stopping app keeps its metrics listener up, waiting for the final scrape. */
  readonly shutdownGraceMs: number;
  readonly http: HttpTimeouts;
  /** Worker processes (node:cluster) serving requests; 1: one process, no cluster. */
  readonly webConcurrency: number;
}

/** The app listener's bounds on slow clients (http-server.ts). */
export interface HttpTimeouts {
  /** From a connection's first byte, or a keep-alive request's, to the end of its headers. */
  readonly headersTimeoutMs: number;
  /** From the first byte to the end of the body: a request is received within this or cut. */
  readonly requestTimeoutMs: number;
  /** How long a keep-alive connection may sit idle between requests. */
  readonly keepAliveTimeoutMs: number;
}

export const DEFAULT_DATABASE_PATH = './data/quietcount.db';
/** Longer than a usual 15 s scrape interval, so one more scrape fits in. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 20_000;
/** A client on a slow network sends its headers in well under a second; one trickling them is holding a socket. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** The largest body is 16 kB: 30 s is generous for it. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Node's default, chosen on purpose: enough to reuse a connection for a burst, too short for idle ones to pile up. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** More workers than this on one host only compete for the same cores and the same SQLite file. */
const MAX_WEB_CONCURRENCY = 64;

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const read = new EnvReader(env);
  const config: AppConfig = {
    host: read.string('HOST', '127.0.0.1'),
    port: read.integer('PORT', 8080, 0, 65_535),
    databasePath: read.string('DATABASE_PATH', DEFAULT_DATABASE_PATH),
    adminToken: read.secret('ADMIN_TOKEN'),
    emailKey: read.secret('EMAIL_KEY'),
    shutdownGraceMs: read.integer('SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS, 0, 600_000),
    http: {
      headersTimeoutMs: read.integer('HTTP_HEADERS_TIMEOUT_MS', DEFAULT_HEADERS_TIMEOUT_MS, 100, 300_000),
      requestTimeoutMs: read.integer('HTTP_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 100, 3_600_000),
      keepAliveTimeoutMs: read.integer('HTTP_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_KEEP_ALIVE_TIMEOUT_MS, 100, 300_000),
    },
    webConcurrency: read.integer('WEB_CONCURRENCY', 1, 1, MAX_WEB_CONCURRENCY),
  };
  if (config.emailKey !== undefined && config.emailKey.length < MIN_EMAIL_KEY_LENGTH) {
    read.problems.push(`EMAIL_KEY (or EMAIL_KEY_FILE's content) must be at least ${String(MIN_EMAIL_KEY_LENGTH)} characters`);
  }
  if (config.webConcurrency > 1 && config.databasePath === ':memory:') {
    read.problems.push('WEB_CONCURRENCY above 1 needs DATABASE_PATH to be a file: every worker would have a :memory: database of its own');
  }
  // Node refuses a header bound longer than the whole request's, which would never apply.
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    read.problems.push('HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS');
  }
  read.done();
  return config;
}
