/**
 * The reference stack's default alert receiver: an Alertmanager webhook (`POST /alerts`) that logs every
 * notification it gets as one JSON line, as Alertmanager sent it, so that `docker compose logs alert-log` shows what
 * would reach a person. Point alertmanager/alertmanager.yml at your own webhook, Slack or email instead.
 *
 * What it logs is safe by construction: prometheus.yml lets an alert leave with catalog labels only, and the
 * annotations are the rules' fixed text with those labels filled in (test/integration/alerts.test.ts checks every
 * payload). Anything that is not an Alertmanager notification is refused (400) and never logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** Alertmanager sends every alert of a group in one notification; a large group stays far below this. */
export const MAX_BODY_BYTES = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;

export interface AlertLogOptions {
  readonly host: string;
  /** 0: an ephemeral port. */
  readonly port: number;
  readonly logger: Logger;
}

export interface AlertLog {
  /** e.g. `http://127.0.0.1:8080` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The fields of Alertmanager's webhook payload (version 4) this receiver insists on. */
interface Notification {
  readonly version: string;
  readonly status: string;
  readonly receiver: string;
  readonly groupLabels: Record<string, string>;
  readonly alerts: readonly { readonly status: string; readonly labels: Record<string, string> }[];
}

function isNotification(value: unknown): value is Notification {
  if (typeof value !== 'object' || value === null) return false;
  const { version, status, receiver, groupLabels, alerts } = value as Record<string, unknown>;
  return (
    typeof version === 'string' &&
    typeof status === 'string' &&
    typeof receiver === 'string' &&
    typeof groupLabels === 'object' &&
    groupLabels !== null &&
    Array.isArray(alerts) &&
    alerts.every((alert: unknown) => typeof alert === 'object' && alert !== null && typeof (alert as { labels?: unknown }).labels === 'object')
  );
}

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' }).end(JSON.stringify(body));
}

/**
 * The body as text, or `undefined` when it is over MAX_BODY_BYTES: then the rest is read and dropped, so the client
 * gets its 413 rather than a reset (the server's request timeout bounds how long that takes).
 */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

async function handle(request: IncomingMessage, response: ServerResponse, logger: Logger): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://alert-log').pathname;
  if (path === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) {
    answer(response, 200, { status: 'ok' });
    return;
  }
  if (path !== '/alerts') {
    answer(response, 404, { error: 'not found' });
    return;
  }
  if (request.method !== 'POST') {
    answer(response, 405, { error: 'POST an Alertmanager notification' });
    return;
  }
  const text = await readBody(request);
  if (text === undefined) {
    answer(response, 413, { error: `a notification is at most ${String(MAX_BODY_BYTES)} bytes` });
    return;
  }
  let notification: unknown;
  try {
    notification = JSON.parse(text);
  } catch {
    notification = undefined;
  }
  if (!isNotification(notification)) {
    // Never echoed, never logged: it is not what Alertmanager sends.
    answer(response, 400, { error: 'not an Alertmanager webhook notification' });
    return;
  }
  const name = notification.groupLabels.alertname ?? 'alerts';
  logger.info({ notification }, `${notification.status} ${name}: ${String(notification.alerts.length)} alert(s) for receiver ${notification.receiver}`);
  answer(response, 200, { logged: notification.alerts.length });
}

export async function startAlertLog(options: AlertLogOptions): Promise<AlertLog> {
  const server: Server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS }, (request, response) => {
    handle(request, response, options.logger).catch(() => {
      if (!response.headersSent) answer(response, 500, { error: 'could not log the notification' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the alert log has no TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${String(address.port)}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
        server.closeAllConnections();
      }),
  };
}
