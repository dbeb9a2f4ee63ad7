/**
 * Graceful shutdown of `node src/app/main.ts` as a real process: after SIGTERM the app stops taking requests, the
 * metrics listener serves one more scrape with everything counted before the signal, then the process exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { tempDatabasePath } from './support/app.ts';
import { valueOf } from './support/exposition.ts';

const MAIN = fileURLToPath(new URL('../src/app/main.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;

type LogLine = Record<string, unknown>;

interface Child {
  readonly process: ChildProcess;
  readonly appUrl: string;
  readonly metricsUrl: string;
  /** Resolves with the first log line (past or future) matching `predicate`; rejects after `timeoutMs`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** Resolves with the exit code; rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startMain(env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: '0',
      DATABASE_PATH: await tempDatabasePath(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: LogLine[] = [];
  const listeners = new Set<() => void>();
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push(JSON.parse(text) as LogLine);
    for (const listener of listeners) listener();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs: number) =>
    new Promise<LogLine>((resolve, reject) => {
      const check = () => {
        const found = lines.find(predicate);
        if (found === undefined) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`no matching log line after ${String(timeoutMs)} ms; stdout: ${JSON.stringify(lines)}; stderr: ${stderr.join('')}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  const exited = (timeoutMs: number) =>
    Promise.race([
      exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          reject(new Error(`still running ${String(timeoutMs)} ms after the signal`));
        }, timeoutMs).unref(),
      ),
    ]);

  const ready = await Promise.race([
    waitForLog((line) => typeof line.appUrl === 'string', START_TIMEOUT_MS),
    exit.then((code) => {
      throw new Error(`main.ts exited with ${String(code)} before listening: ${JSON.stringify(lines)} ${stderr.join('')}`);
    }),
  ]);
  return { process: child, appUrl: String(ready.appUrl), metricsUrl: String(ready.metricsUrl), waitForLog, exited };
}

it('SIGTERM: stops taking requests, serves the final scrape with the last increments, then exits 0', async () => {
  const child = await startMain({ SHUTDOWN_GRACE_MS: '30000' });
  expect((await fetch(`${child.appUrl}/healthz`)).status).toBe(200);
  // Recorded in memory and never scraped before the signal.
  expect((await fetch(`${child.appUrl}/api/events/2/directory`)).status).toBe(200);

  child.process.kill('SIGTERM');
  await child.waitForLog((line) => line.msg === 'stopped taking requests; waiting for a final scrape', 10_000);
  await expect(fetch(`${child.appUrl}/healthz`)).rejects.toThrow();

  const scrape = await fetch(`${child.metricsUrl}/metrics`);
  expect(scrape.status).toBe(200);
  const text = await scrape.text();
  expect(valueOf(text, 'analytics_events_total', { event_name: 'directory_page_view', event_id: '2' })).toBe(1);

  // Well within the 30 s grace: it left because the scrape was served.
  expect(await child.exited(10_000)).toBe(0);
  await child.waitForLog((line) => line.finalScrape === true, 1_000);
});

it('SIGTERM without a scrape: exits 0 once the grace period ends', async () => {
  const child = await startMain({ SHUTDOWN_GRACE_MS: '300' });
  child.process.kill('SIGTERM');
  expect(await child.exited(10_000)).toBe(0);
  await child.waitForLog((line) => line.finalScrape === false, 1_000);
});

it('a second signal exits at once, without waiting for the grace period', async () => {
  const child = await startMain({ SHUTDOWN_GRACE_MS: '60000' });
  child.process.kill('SIGTERM');
  await child.waitForLog((line) => line.msg === 'stopped taking requests; waiting for a final scrape', 10_000);
  child.process.kill('SIGINT');
  expect(await child.exited(5_000)).toBe(1);
});

it('a configuration error stops the start with a message naming the variable', async () => {
  await expect(startMain({ PORT: 'eighty' })).rejects.toThrow(/exited with 1 .*PORT must be a whole number/);
});
