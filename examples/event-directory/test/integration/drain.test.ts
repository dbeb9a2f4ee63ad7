/**
 * Shutdown under load, against `node src/main.ts` as a real process: SIGTERM arrives during a burst of
 * keep-alive and fresh connections, and every request that reached the server before the signal gets its whole
 * response. Requests sent after the signal may be refused; none may hang.
 */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { startAppProcess } from '../support/app-process.ts';

const PATH = '/api/events/1/directory';
const KEEP_ALIVE_CLIENTS = 6;
const FRESH_CONNECTION_CLIENTS = 6;
/** Connections that send their request just before the signal, so the server has them accepted but not yet read. */
const LAST_MOMENT_CONNECTIONS = 40;
const TRAFFIC_BEFORE_SIGNAL_MS = 500;
/** Every client stops this long after the signal, whatever happens. */
const STOP_AFTER_SIGNAL_MS = 3_000;

interface Outcome {
  /** When the request was entirely handed to the kernel, on this process's clock. */
  readonly sentAt: number | undefined;
  /** The status of a complete response, or the error code the request ended with. */
  readonly result: number | string;
}

/** One GET; resolves once the response was read to its end, or the request failed. */
function get(url: URL, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    let sentAt: number | undefined;
    const req = request(url, { agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.once('end', () => {
        resolve({ sentAt, result: res.complete ? (res.statusCode ?? 0) : 'incomplete' });
      });
      res.once('error', (error: NodeJS.ErrnoException) => {
        resolve({ sentAt, result: error.code ?? error.message });
      });
    });
    req.once('finish', () => {
      sentAt = performance.now();
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ sentAt, result: error.code ?? error.message });
    });
    req.end();
  });
}

/** Requests one after another until a failure after the signal, or the bound. */
async function client(url: URL, agent: Agent | false, signalled: () => number | undefined): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (;;) {
    const outcome = await get(url, agent);
    outcomes.push(outcome);
    const signalAt = signalled();
    if (signalAt === undefined) continue;
    if (typeof outcome.result === 'string' || performance.now() - signalAt > STOP_AFTER_SIGNAL_MS) return outcomes;
  }
}

/**
 * A raw connection that writes a whole request at once (asking to close the connection after it, unless
 * `keepAlive`); `response` resolves with everything the server sent once it closed the connection.
 */
async function rawRequest(url: URL, keepAlive = false): Promise<{ write: () => void; response: Promise<string> }> {
  const socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const response = new Promise<string>((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(`error ${error.code ?? ''}`);
    });
    socket.once('close', () => {
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    setTimeout(() => {
      socket.destroy();
    }, 10_000).unref();
  });
  const connection = keepAlive ? '' : 'Connection: close\r\n';
  const write = () => socket.write(`GET ${PATH} HTTP/1.1\r\nHost: quietcount.test\r\n${connection}\r\n`);
  return { write, response };
}

/** True for a whole HTTP response: a status line, headers, and as many body bytes as Content-Length says. */
function isCompleteOk(response: string): boolean {
  const [head, body] = response.split('\r\n\r\n', 2);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head ?? '')?.[1];
  return /^HTTP\/1\.1 200 /.test(head ?? '') && length !== undefined && Buffer.byteLength(body ?? '') === Number(length);
}

it('SIGTERM during a burst: every request that reached the server before the signal is answered in full', async () => {
  const app = await startAppProcess('node', { SHUTDOWN_GRACE_MS: '200' });
  const url = new URL(PATH, app.appUrl);
  const signal: { at?: number } = {};
  const signalled = () => signal.at;

  const agents = Array.from({ length: KEEP_ALIVE_CLIENTS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  const clients = [
    ...agents.map((agent) => client(url, agent, signalled)),
    ...Array.from({ length: FRESH_CONNECTION_CLIENTS }, () => client(url, false, signalled)),
  ];
  await sleep(TRAFFIC_BEFORE_SIGNAL_MS);
  const lastMoment = await Promise.all(Array.from({ length: LAST_MOMENT_CONNECTIONS }, () => rawRequest(url)));
  for (const connection of lastMoment) connection.write();
  const signalAt = performance.now();
  signal.at = signalAt;
  app.process.kill('SIGTERM');

  const outcomes = (await Promise.all(clients)).flat();
  const lastMomentResponses = await Promise.all(lastMoment.map((connection) => connection.response));
  for (const agent of agents) agent.destroy();

  const beforeSignal = outcomes.filter((outcome) => outcome.sentAt !== undefined && outcome.sentAt < signalAt);
  expect(beforeSignal.length).toBeGreaterThan(KEEP_ALIVE_CLIENTS + FRESH_CONNECTION_CLIENTS);
  expect(beforeSignal.filter((outcome) => outcome.result !== 200)).toEqual([]);
  expect(lastMomentResponses.filter((response) => !isCompleteOk(response))).toEqual([]);
  // Sent after the signal: answered, refused (no longer listening) or reset (a keep-alive connection the drain closed
  // as the request went out, a race every HTTP/1.1 client must retry); never left hanging.
  const afterSignal = new Set(outcomes.filter((outcome) => !beforeSignal.includes(outcome)).map((outcome) => outcome.result));
  expect([...afterSignal].filter((result) => ![200, 'ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(result))).toEqual([]);
  expect(await app.exited(10_000)).toBe(0);
});

it('SIGTERM while connections wait, queued or accepted but unread: each is answered in full, then exit 0', async () => {
  const app = await startAppProcess('node', { SHUTDOWN_GRACE_MS: '200' });
  const url = new URL(PATH, app.appUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  // Four keep-alive connections that have served a request and sit idle.
  await Promise.all(Array.from({ length: 4 }, () => get(url, agent)));

  // Paused, the app reads nothing, while the kernel completes new connections and buffers every request. Resumed, it
  // finds the SIGTERM pending with connections queued in the kernel (Node accepts one per round of its event loop)
  // and requests unread on its kept-alive connections, as a busy server does.
  app.process.kill('SIGSTOP');
  const waiting = await Promise.all(Array.from({ length: LAST_MOMENT_CONNECTIONS }, () => rawRequest(url)));
  for (const connection of waiting) connection.write();
  const onIdleKeepAlive = Array.from({ length: 4 }, () => get(url, agent));
  await sleep(100);
  const signalAt = performance.now();
  app.process.kill('SIGTERM');
  app.process.kill('SIGCONT');

  const responses = await Promise.all(waiting.map((connection) => connection.response));
  expect(responses.filter((response) => !isCompleteOk(response))).toEqual([]);
  expect((await Promise.all(onIdleKeepAlive)).map((outcome) => outcome.result)).toEqual([200, 200, 200, 200]);
  agent.destroy();
  await app.waitForLog((line) => line.msg === 'stopped taking requests; waiting for a final scrape', 10_000);
  // Idle connections were closed, not left to the 5 s deadline.
  expect(performance.now() - signalAt).toBeLessThan(4_000);
  expect(await app.exited(10_000)).toBe(0);
});

it('a connection accepted before the signal, whose request follows just after it, is answered', async () => {
  const app = await startAppProcess('node', { SHUTDOWN_GRACE_MS: '200' });
  const url = new URL(PATH, app.appUrl);
  const [early, silent] = await Promise.all([rawRequest(url, true), rawRequest(url)]);
  // The app has accepted both (it is not paused) and read nothing from them: neither has sent its request yet.
  await sleep(200);
  const signalAt = performance.now();
  app.process.kill('SIGTERM');
  await sleep(200);
  early.write();
  // Answered, and told to go away: the app closed the connection after this response.
  const response = await early.response;
  expect(isCompleteOk(response)).toBe(true);
  expect(response).toMatch(/\r\nConnection: close\r\n/);
  // One that stays silent is closed after a short window (1 s), not held until the 5 s deadline.
  expect(await silent.response).toBe('');
  expect(performance.now() - signalAt).toBeLessThan(4_000);
  expect(await app.exited(10_000)).toBe(0);
});
