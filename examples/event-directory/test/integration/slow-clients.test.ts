/**
 * Slow clients give their socket back within the configured bounds (HTTP_*_TIMEOUT_MS), through real sockets: one
 * that trickles its headers, one that trickles its body, one that keeps an idle keep-alive connection. Normal
 * traffic carries on meanwhile.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';

const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;
const KEEP_ALIVE_TIMEOUT_MS = 500;
/** Node's sweep runs at most every second (a quarter of the header bound here), plus a loaded machine's slack. */
const SLACK_MS = 1_000;
/** Every loop below stops here even if the server never cut the client. */
const GIVE_UP_MS = 8_000;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
  });
});

interface Connection {
  readonly socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves with the time the server closed the connection, or undefined after GIVE_UP_MS. */
  readonly closedAt: Promise<number | undefined>;
}

async function open(): Promise<Connection> {
  const { hostname, port } = new URL(app.baseUrl);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A write racing the server's close fails with EPIPE or ECONNRESET: that is the close this test waits for.
  socket.on('error', () => undefined);
  const closedAt = new Promise<number | undefined>((resolve) => {
    const giveUp = setTimeout(() => {
      resolve(undefined);
    }, GIVE_UP_MS);
    socket.once('close', () => {
      clearTimeout(giveUp);
      resolve(performance.now());
    });
  });
  return { socket, received: () => Buffer.concat(chunks).toString('latin1'), closedAt };
}

/** Writes one byte of `text` every `everyMs` until the server closes the connection or the text runs out. */
async function trickle(connection: Connection, text: string, everyMs: number): Promise<void> {
  for (const character of text) {
    if (connection.socket.destroyed || connection.socket.closed) return;
    connection.socket.write(character);
    await sleep(everyMs);
  }
}

/** Normal requests, one after another, until `until` settles: every one must succeed. */
async function normalTraffic(until: Promise<unknown>): Promise<number[]> {
  const stop = new AbortController();
  void until.finally(() => {
    stop.abort();
  });
  const statuses: number[] = [];
  const started = performance.now();
  while (!stop.signal.aborted && performance.now() - started < GIVE_UP_MS) {
    statuses.push((await fetch(`${app.baseUrl}/api/events/1/directory`)).status);
    await sleep(50);
  }
  return statuses;
}

it('cuts a client that trickles its headers after HTTP_HEADERS_TIMEOUT_MS, while normal requests succeed', async () => {
  const slow = await open();
  const started = performance.now();
  const slowHeaders = 'GET /healthz HTTP/1.1\r\nHost: quietcount.test\r\nX-Slow: ' + 'x'.repeat(200);
  void trickle(slow, slowHeaders, 50);
  const [closedAt, statuses] = await Promise.all([slow.closedAt, normalTraffic(slow.closedAt)]);

  expect(closedAt, 'the server never closed the slow connection').toBeDefined();
  const heldMs = (closedAt ?? Infinity) - started;
  expect(heldMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
  expect(heldMs).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
  expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  expect(statuses.length).toBeGreaterThan(3);
  expect(new Set(statuses)).toEqual(new Set([200]));
});

it('cuts a client that trickles its body after HTTP_REQUEST_TIMEOUT_MS', async () => {
  const slow = await open();
  const started = performance.now();
  const body = JSON.stringify({ name: 'Slow Sam', email: 'slow@example.test', bio: 'y'.repeat(300) });
  slow.socket.write(
    `POST /api/events/1/signups HTTP/1.1\r\nHost: quietcount.test\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${String(Buffer.byteLength(body))}\r\n\r\n`,
  );
  void trickle(slow, body, 50);
  const [closedAt, statuses] = await Promise.all([slow.closedAt, normalTraffic(slow.closedAt)]);

  expect(closedAt, 'the server never closed the slow connection').toBeDefined();
  const heldMs = (closedAt ?? Infinity) - started;
  expect(heldMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
  expect(heldMs).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
  expect(slow.received()).not.toMatch(/ 201 /);
  expect(new Set(statuses)).toEqual(new Set([200]));
});

it('closes an idle keep-alive connection after HTTP_KEEP_ALIVE_TIMEOUT_MS', async () => {
  const idle = await open();
  idle.socket.write('GET /healthz HTTP/1.1\r\nHost: quietcount.test\r\n\r\n');
  const answeredBy = performance.now() + 5_000;
  while (!idle.received().endsWith('{"status":"ok"}') && performance.now() < answeredBy) await sleep(10);
  const answeredAt = performance.now();
  expect(idle.received()).toMatch(/^HTTP\/1\.1 200 [^]*\r\nConnection: keep-alive\r\n/);

  const closedAt = await idle.closedAt;
  expect(closedAt, 'the server never closed the idle connection').toBeDefined();
  const idleMs = (closedAt ?? Infinity) - answeredAt;
  expect(idleMs).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 50);
  // Node waits a further second past the advertised timeout, so a client about to reuse the socket is not cut.
  expect(idleMs).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS + 1_000 + SLACK_MS);
});
