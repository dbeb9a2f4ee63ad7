/**
 * The reference stack's default alert receiver: an Alertmanager webhook (`POST /alerts`) that logs every
 * notification it gets as one JSON line, so that `docker compose logs alert-log` shows what fired. Point
 * alertmanager/alertmanager.yml at your own webhook, Slack or email instead.
 *
 * It logs only what cannot name a person (./alerts/loggable-notification.ts): the labels of prometheus.yml's
 * allow-list with values they may have, the rules' two annotations as plain text, and the fields Alertmanager gives
 * a fixed form; the rest is dropped and only counted. A body that is not an Alertmanager notification is refused
 * (400, naming the field that is wrong) and never logged. A request must arrive whole within 10 s (408 otherwise).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { loggableNotification } from './alerts/loggable-notification.ts';
import { parseNotification } from './alerts/notification.ts';
import { createHttpServer } from './http-server.ts';

/** Alertmanager sends every alert of a group in one notification; a large group stays far below this. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Headers and body, from the first byte: Alertmanager sends a notification in one go. */
export const REQUEST_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

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
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    answer(response, 400, { error: 'not an Alertmanager webhook notification: the body is not JSON' });
    return;
  }
  const parsed = parseNotification(body);
  if ('problem' in parsed) {
    // Never echoed, never logged: it is not what Alertmanager sends.
    answer(response, 400, { error: parsed.problem });
    return;
  }
  const { notification, dropped } = loggableNotification(parsed.notification);
  const name = notification.groupLabels.alertname ?? 'alerts';
  const receiver = notification.receiver === undefined ? '' : ` for receiver ${notification.receiver}`;
  logger.info({ notification, dropped }, `${notification.status} ${name}: ${String(notification.alerts.length)} alert(s)${receiver}`);
  answer(response, 200, { logged: notification.alerts.length });
}

export async function startAlertLog(options: AlertLogOptions): Promise<AlertLog> {
  const timeouts = { headersTimeoutMs: REQUEST_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS };
  const server = createHttpServer(timeouts, (request, response) => {
    handle(request, response, options.logger).catch(() => {
      // A request cut short (by the client, or by the server at REQUEST_TIMEOUT_MS, which has answered 408 itself)
      // ends reading its body with an error: its socket is gone, there is nobody to answer.
      if (response.headersSent || request.socket.destroyed) response.destroy();
      else answer(response, 500, { error: 'could not log the notification' });
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
