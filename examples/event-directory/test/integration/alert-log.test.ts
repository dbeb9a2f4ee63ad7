/**
 * The alert-log service of docker-compose.yml (src/app/alert-log.ts), as the stack runs it: a real process on an
 * ephemeral loopback port. It logs each Alertmanager notification as one JSON line, refuses and never logs anything
 * else, bounds the body, answers the image's /healthz probe, and stops on SIGTERM. Notifications from a real
 * Alertmanager reach it in test/integration/alerts.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_DIR, SOURCE_CONDITION } from '../../../../test/support/paths.ts';
import { MAX_BODY_BYTES } from '../../src/alert-log.ts';

const START_TIMEOUT_MS = 20_000;

type LogLine = Record<string, unknown>;

/** A notification shaped as Alertmanager 0.25 sends it (webhook payload version 4). */
const NOTIFICATION = {
  receiver: 'critical',
  status: 'firing',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'QuietcountHttpErrorRateSpike', endpoint: 'GET /api/events', severity: 'critical' },
      annotations: { summary: 'GET /api/events: 12.5% of responses are server errors', description: 'fixed text' },
      startsAt: '2026-12-01T10:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: '0123456789abcdef',
    },
  ],
  groupLabels: { alertname: 'QuietcountHttpErrorRateSpike', endpoint: 'GET /api/events' },
  commonLabels: { alertname: 'QuietcountHttpErrorRateSpike', endpoint: 'GET /api/events', severity: 'critical' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  version: '4',
  groupKey: '{}/{severity="critical"}:{alertname="QuietcountHttpErrorRateSpike", endpoint="GET /api/events"}',
  truncatedAlerts: 0,
};

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

/** Log lines after the start line, once `count` of them arrived (bounded wait). */
async function loggedAfterStart(count: number): Promise<LogLine[]> {
  for (let attempt = 0; attempt < 50 && lines.length < count + 1; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
  return lines.slice(1);
}

describe('the alert log', () => {
  it('answers the image healthcheck on /healthz', async () => {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('logs a notification as one JSON line, exactly as Alertmanager sent it', async () => {
    const response = await post(JSON.stringify(NOTIFICATION));
    expect(response.status).toBe(200);
    const [line, ...more] = await loggedAfterStart(1);
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      level: 30,
      msg: 'firing QuietcountHttpErrorRateSpike: 1 alert(s) for receiver critical',
      notification: NOTIFICATION,
    });
    expect(Object.keys(line ?? {}).sort()).toEqual(['level', 'msg', 'notification', 'time']);
  });

  it('refuses, and never logs or echoes, what is not a notification', async () => {
    const before = lines.length;
    const hostile = 'name=Ada Lovelace&email=ada@example.org';
    for (const body of [hostile, JSON.stringify({ email: 'ada@example.org' }), JSON.stringify({ ...NOTIFICATION, alerts: ['ada@example.org'] })]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(await response.text()).not.toContain('ada');
    }
    expect((await fetch(`${url}/alerts`)).status).toBe(405);
    expect((await fetch(`${url}/elsewhere`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await post(JSON.stringify({ ...NOTIFICATION, padding: 'x'.repeat(MAX_BODY_BYTES) }))).status).toBe(413);
    expect(lines.length).toBe(before);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code); }));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.at(-1)).toMatchObject({ msg: 'alert log stopping', signal: 'SIGTERM' });
  });
});
