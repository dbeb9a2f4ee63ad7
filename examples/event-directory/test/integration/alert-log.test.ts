/**
 * The alert-log service of docker-compose.yml (src/alert-log.ts), as the stack runs it: a real process on an
 * ephemeral loopback port. It logs each Alertmanager notification as one JSON line holding only what cannot name a
 * person (labels of prometheus.yml's allow-list, the rules' annotations as plain text), drops and counts the rest,
 * refuses anything of another shape with a 400 it never echoes into, cuts requests that trickle in at 10 s with a
 * 408, answers the image's /healthz probe, and stops on SIGTERM. Notifications from a real Alertmanager reach it in
 * test/integration/alerts.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProjectConfig } from '../../../../test/support/prometheus-config.ts';
import { EXAMPLE_DIR, SOURCE_CONDITION } from '../../../../test/support/paths.ts';
import { MAX_BODY_BYTES, REQUEST_TIMEOUT_MS } from '../../src/alert-log.ts';
import { ALERT_LOG_LABELS } from '../../src/alerts/allowed-labels.ts';

const START_TIMEOUT_MS = 20_000;

type LogLine = Record<string, unknown>;

const ALERT = {
  status: 'firing',
  labels: { alertname: 'QuietcountHttpErrorRateSpike', endpoint: 'GET /api/events', severity: 'critical' },
  annotations: {
    summary: 'GET /api/events: 12.5% of responses are server errors',
    description: '12.5% of the responses of GET /api/events over the last 5 minutes were 5xx (threshold 5%, at least 20 responses per 5 minutes), for 5 minutes.',
  },
  startsAt: '2026-12-01T10:00:00.123456789Z',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus:9090/graph?g0.expr=endpoint%3Ahttp_server_errors_per_responses%3Aratio_rate5m+%3E+0.05&g0.tab=1',
  fingerprint: '0123456789abcdef',
};

/** A notification shaped as Alertmanager 0.25 sends it (webhook payload version 4). */
const NOTIFICATION = {
  receiver: 'critical',
  status: 'firing',
  alerts: [ALERT],
  groupLabels: { alertname: 'QuietcountHttpErrorRateSpike', endpoint: 'GET /api/events' },
  commonLabels: ALERT.labels,
  commonAnnotations: ALERT.annotations,
  externalURL: 'http://alertmanager:9093',
  version: '4',
  groupKey: '{}/{severity="critical"}:{alertname="QuietcountHttpErrorRateSpike", endpoint="GET /api/events"}',
  truncatedAlerts: 0,
};

/** What the log keeps of NOTIFICATION: everything but the links and the group key. */
const LOGGED = {
  status: 'firing',
  receiver: 'critical',
  groupLabels: NOTIFICATION.groupLabels,
  commonLabels: NOTIFICATION.commonLabels,
  commonAnnotations: NOTIFICATION.commonAnnotations,
  alerts: [{ status: 'firing', labels: ALERT.labels, annotations: ALERT.annotations, startsAt: ALERT.startsAt, endsAt: ALERT.endsAt, fingerprint: ALERT.fingerprint }],
  truncatedAlerts: 0,
};

/** Words of the personal data the hostile bodies below carry: none may appear in a log line or an answer. */
const PERSONAL = /ada|lovelace|example\.org|203\.0\.113/i;

let child: ChildProcess;
let url: string;
const lines: LogLine[] = [];
let stderr = '';

beforeAll(async () => {
  child = spawn(process.execPath, [SOURCE_CONDITION, 'src/alert-log-main.ts'], {
    cwd: EXAMPLE_DIR,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const stdout = child.stdout;
  if (stdout === null) throw new Error('no stdout');
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the alert log did not start within ${String(START_TIMEOUT_MS)} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    createInterface({ input: stdout }).on('line', (text) => {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      if (typeof line.url === 'string') {
        clearTimeout(timer);
        resolve(line.url);
      }
    });
  });
});

afterAll(() => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> =>
  fetch(`${url}/alerts`, { method: 'POST', headers, body });

/**
 * Posts a notification and expects its line to be the first logged after the first `before` lines: log lines come
 * in order down one pipe, so nothing sent before it was logged. Also shows the log is still up.
 */
async function expectOnlyNextLogged(before: number): Promise<void> {
  expect((await post(JSON.stringify(NOTIFICATION))).status).toBe(200);
  expect(await nextLine(before)).toMatchObject({ notification: LOGGED });
  expect(lines).toHaveLength(before + 1);
}

/** The next log line after the first `before` lines (bounded wait). */
async function nextLine(before: number): Promise<LogLine | undefined> {
  for (let attempt = 0; attempt < 100 && lines.length <= before; attempt++) await sleep(20);
  return lines[before];
}

describe('the alert log', () => {
  it('answers the image healthcheck on /healthz', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it("logs a notification as one JSON line: its labels, the rules' annotations, statuses and times, nothing dropped", async () => {
    const before = lines.length;
    const response = await post(JSON.stringify(NOTIFICATION));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ logged: 1 });
    const line = await nextLine(before);
    expect(lines.slice(before + 1)).toEqual([]);
    expect(line).toEqual({
      level: 30,
      time: expect.any(String) as unknown,
      msg: 'firing QuietcountHttpErrorRateSpike: 1 alert(s) for receiver critical',
      notification: LOGGED,
      dropped: { labels: 0, annotations: 0, fields: 0 },
    });
  });

  it('logs only the labels of the allow-list, with values they may have, and counts the ones it drops', async () => {
    const before = lines.length;
    const hostile = {
      ...NOTIFICATION,
      groupLabels: { alertname: 'QuietcountUsageDropOff', email: 'ada@example.org' },
      commonLabels: { severity: 'warning', name: 'Ada Lovelace' },
      alerts: [
        {
          ...ALERT,
          labels: {
            // Allowed, with values they may have.
            alertname: 'QuietcountUsageDropOff',
            severity: 'warning',
            event_name: 'event_signup',
            event_id: '42',
            reason: 'invalid_event_id',
            status_code: '503',
            job: 'quietcount',
            instance: 'app:9464',
            cluster: 'quietcount-eu-1',
            // Not of the allow-list.
            email: 'ada@example.org',
            name: 'Ada Lovelace',
            user_id: '7',
            // Allowed names, values they cannot have.
            endpoint: 'GET /profiles/ada@example.org',
            event_name_: 'x',
          },
          annotations: {
            summary: 'event_signup dropped to 12% of the same hours last week',
            // Quotes a dropped label's value, carries an address, is not one the rules write.
            description: 'Ada Lovelace signed up',
            runbook: 'https://wiki.example.org/runbook',
          },
        },
        {
          ...ALERT,
          labels: { alertname: 'QuietcountHttpErrorRateSpike', event_id: 'ada', instance: '203.0.113.9 ada', status_code: '5000', reason: 'because' },
          annotations: { summary: 'write to ada@example.org', description: 'line one\nforged line' },
          startsAt: 'Ada Lovelace',
          fingerprint: 'ada@example.org',
        },
      ],
      receiver: 'ada@example.org',
    };
    const response = await post(JSON.stringify(hostile));
    expect(response.status).toBe(200);
    const line = await nextLine(before);
    expect(JSON.stringify(line)).not.toMatch(PERSONAL);
    expect(line).toMatchObject({
      msg: 'firing QuietcountUsageDropOff: 2 alert(s)',
      notification: {
        groupLabels: { alertname: 'QuietcountUsageDropOff' },
        commonLabels: { severity: 'warning' },
        alerts: [
          {
            labels: {
              alertname: 'QuietcountUsageDropOff',
              severity: 'warning',
              event_name: 'event_signup',
              event_id: '42',
              reason: 'invalid_event_id',
              status_code: '503',
              job: 'quietcount',
              instance: 'app:9464',
              cluster: 'quietcount-eu-1',
            },
            annotations: { summary: 'event_signup dropped to 12% of the same hours last week' },
          },
          { labels: { alertname: 'QuietcountHttpErrorRateSpike' }, annotations: {}, endsAt: ALERT.endsAt },
        ],
      },
      // Labels: email (group), name (common); email, name, user_id, endpoint, event_name_; event_id, instance,
      // status_code, reason. Annotations: description, runbook; summary, description. Fields: receiver, startsAt,
      // fingerprint.
      dropped: { labels: 11, annotations: 4, fields: 3 },
    });
    const logged = (line?.notification ?? {}) as { receiver?: unknown; alerts: Record<string, unknown>[] };
    expect(logged.receiver).toBeUndefined();
    expect(Object.keys(logged.alerts[1] ?? {}).sort()).toEqual(['annotations', 'endsAt', 'labels', 'status']);
  });

  it("allows the same label names as prometheus.yml's alert_relabel_configs", () => {
    const { alerting } = readProjectConfig() as unknown as { alerting: { alert_relabel_configs: { action: string; regex: string }[] } };
    const [keep, ...more] = alerting.alert_relabel_configs;
    expect(more).toEqual([]);
    expect(keep?.action).toBe('labelkeep');
    expect(new Set(keep?.regex.split('|'))).toEqual(new Set(ALERT_LOG_LABELS));
    expect(ALERT_LOG_LABELS).toHaveLength(new Set(ALERT_LOG_LABELS).size);
  });

  it('refuses with a 400 and a clear message, never a 500, and never logs or echoes, what is not a notification', async () => {
    const before = lines.length;
    const withAlert = (changes: object) => ({ ...NOTIFICATION, alerts: [{ ...ALERT, ...changes }] });
    const hostile: [body: string, error: string][] = [
      ['name=Ada Lovelace&email=ada@example.org', 'the body is not JSON'],
      ['"ada@example.org"', 'the body must be a JSON object'],
      ['null', 'the body must be a JSON object'],
      ['["ada@example.org"]', 'the body must be a JSON object'],
      [JSON.stringify({ email: 'ada@example.org' }), 'version must be a string'],
      [JSON.stringify({ ...NOTIFICATION, version: 4 }), 'version must be a string'],
      [JSON.stringify({ ...NOTIFICATION, status: 'ada@example.org' }), 'status must be "firing" or "resolved"'],
      [JSON.stringify({ ...NOTIFICATION, receiver: { toString: 1 } }), 'receiver must be a string'],
      [JSON.stringify({ ...NOTIFICATION, groupLabels: { alertname: { toString: 1 } } }), 'groupLabels must be an object of strings'],
      [JSON.stringify({ ...NOTIFICATION, groupLabels: ['ada@example.org'] }), 'groupLabels must be an object of strings'],
      [JSON.stringify({ ...NOTIFICATION, commonLabels: { name: 42 } }), 'commonLabels must be an object of strings'],
      [JSON.stringify({ ...NOTIFICATION, commonAnnotations: null }), 'commonAnnotations must be an object of strings'],
      [JSON.stringify({ ...NOTIFICATION, externalURL: 7 }), 'externalURL must be a string'],
      [JSON.stringify({ ...NOTIFICATION, truncatedAlerts: -1 }), 'truncatedAlerts must be a whole number'],
      [JSON.stringify({ ...NOTIFICATION, alerts: 'ada@example.org' }), 'alerts must be a list of at least one alert'],
      [JSON.stringify({ ...NOTIFICATION, alerts: [] }), 'alerts must be a list of at least one alert'],
      [JSON.stringify({ ...NOTIFICATION, alerts: ['ada@example.org'] }), 'every alert must be an object'],
      [JSON.stringify(withAlert({ status: 1 })), 'every alert needs a status of "firing" or "resolved"'],
      [JSON.stringify(withAlert({ labels: { alertname: { toString: 1 } } })), "every alert's labels must be an object of strings"],
      [JSON.stringify(withAlert({ labels: { email: ['ada@example.org'] } })), "every alert's labels must be an object of strings"],
      [JSON.stringify(withAlert({ annotations: 'Ada Lovelace' })), "every alert's annotations must be an object of strings"],
      [JSON.stringify(withAlert({ startsAt: 1_700_000_000 })), 'every alert needs startsAt and endsAt as strings'],
      [JSON.stringify(withAlert({ fingerprint: { ada: true } })), "an alert's fingerprint must be a string"],
      [JSON.stringify(withAlert({ generatorURL: ['ada'] })), "an alert's generatorURL must be a string"],
    ];
    for (const [body, error] of hostile) {
      const response = await post(body);
      const text = await response.text();
      expect({ body, status: response.status, type: response.headers.get('content-type') }).toEqual({ body, status: 400, type: 'application/json' });
      expect(JSON.parse(text), body).toEqual({ error: `not an Alertmanager webhook notification: ${error}` });
      expect(text, body).not.toMatch(PERSONAL);
    }
    expect((await fetch(`${url}/alerts`)).status).toBe(405);
    expect((await fetch(`${url}/elsewhere`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await post(JSON.stringify({ ...NOTIFICATION, padding: 'x'.repeat(MAX_BODY_BYTES) }))).status).toBe(413);
    await expectOnlyNextLogged(before);
  });

  it(
    `cuts a request whose headers or body trickle in at ${String(REQUEST_TIMEOUT_MS / 1000)} s with a 408, and logs nothing of it`,
    { timeout: 4 * REQUEST_TIMEOUT_MS },
    async () => {
      const before = lines.length;
      const body = JSON.stringify(NOTIFICATION);
      const [headers, bodies] = await Promise.all([
        // 2 bytes a second, as the red team sent them.
        trickled(`POST /alerts HTTP/1.1\r\nHost: alert-log\r\nX-Name: Ada Lovelace ${'x'.repeat(100)}`, ''),
        trickled(`POST /alerts HTTP/1.1\r\nHost: alert-log\r\nContent-Type: application/json\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\n\r\n`, body),
      ]);
      for (const [what, cut] of Object.entries({ headers, bodies })) {
        expect(cut.received, what).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
        expect(cut.heldMs, what).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
        // Node checks its timeouts on a sweep, at most a second apart (src/http-server.ts), plus a loaded machine's slack.
        expect(cut.heldMs, what).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
      }
      await expectOnlyNextLogged(before);
    },
  );

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.at(-1)).toMatchObject({ msg: 'alert log stopping', signal: 'SIGTERM' });
  });
});

/** How long the server held a trickling client before it closed the connection, and what it sent. */
interface Cut {
  readonly heldMs: number;
  readonly received: string;
}

/**
 * Sends `head` all at once and then `trickle` at 2 bytes a second over a real socket, until the server closes it;
 * gives up (and fails the test) after three times the timeout.
 */
async function trickled(head: string, trickle: string): Promise<Cut> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  const started = performance.now();
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A write racing the server's close fails with EPIPE or ECONNRESET: that close is what this waits for.
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => { resolve(); }));
  const [first, rest] = trickle === '' ? [head.slice(0, -60), head.slice(-60)] : [head, trickle];
  socket.write(first);
  for (let index = 0; index < rest.length && !socket.destroyed && performance.now() - started < 3 * REQUEST_TIMEOUT_MS; index += 2) {
    socket.write(rest.slice(index, index + 2));
    await Promise.race([sleep(1_000), closed]);
  }
  await Promise.race([closed, sleep(Math.max(0, 3 * REQUEST_TIMEOUT_MS - (performance.now() - started)))]);
  const heldMs = performance.now() - started;
  socket.destroy();
  return { heldMs, received: Buffer.concat(chunks).toString('latin1') };
}
