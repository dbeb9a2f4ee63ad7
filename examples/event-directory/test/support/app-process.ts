/**
 * The reference app as a real process, the way it is run: `node src/main.ts`, or `npm start` (npm, then the
 * app). Each runs in its own process group, so a test can signal the group as a terminal or a service manager does,
 * and every group left running is killed after the file's tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll } from 'vitest';
import { EXAMPLE_DIR, REPO_ROOT, SOURCE_CONDITION } from '../../../../test/support/paths.ts';
import { tempDatabasePath } from './app.ts';

const START_TIMEOUT_MS = 20_000;

export type LogLine = Record<string, unknown>;

export interface AppProcess {
  readonly process: ChildProcess;
  /** The process the command started: node itself, or npm. */
  readonly pid: number;
  readonly appUrl: string;
  readonly metricsUrl: string;
  readonly databasePath: string;
  /** Resolves with the first log line (past or future) matching `predicate`; rejects after `timeoutMs`. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** Resolves with the exit code; rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
  /** True while any process of the group (npm, its shell, the app) is alive. */
  groupAlive(): boolean;
  /** Every JSON log line so far (a cluster's workers log to the same stdout). */
  logs(): readonly LogLine[];
}

const groups: number[] = [];
afterAll(() => {
  for (const group of groups) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

export type Launcher = 'node' | 'npm start';

export interface AppProcessOptions {
  /** A command line the launcher's is appended to, which ends by exec'ing it (./small-disk.ts), so `pid` is the app's. */
  readonly wrapper?: readonly string[];
}

/**
 * Starts the app with `launcher` on ephemeral loopback ports and a fresh database file (unless `env` names one),
 * and resolves once it logged its URLs.
 */
export async function startAppProcess(launcher: Launcher, env: Record<string, string> = {}, options: AppProcessOptions = {}): Promise<AppProcess> {
  const databasePath = env.DATABASE_PATH ?? (await tempDatabasePath());
  // `npm start` from the repository's root, as README says; `node` as the example's Dockerfile runs it.
  const [program, programArgs, cwd] =
    launcher === 'node' ? [process.execPath, [SOURCE_CONDITION, 'src/main.ts'], EXAMPLE_DIR] : ['npm', ['start'], REPO_ROOT];
  const [command = program, ...args] = [...(options.wrapper ?? []), program, ...programArgs];
  const child = spawn(command, args, {
    cwd,
    env: {
      // The Node.js running the tests first, so `npm` (a node script) and the app run on it.
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '',
      npm_config_update_notifier: 'false',
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: '0',
      ...env,
      DATABASE_PATH: databasePath,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`${launcher} did not start`);
  const pid = child.pid;
  groups.push(pid);

  const lines: LogLine[] = [];
  const output: string[] = [];
  const listeners = new Set<() => void>();
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (text) => {
    // npm prints its own banner lines around the app's JSON lines.
    if (!text.startsWith('{')) {
      output.push(text);
      return;
    }
    lines.push(JSON.parse(text) as LogLine);
    for (const listener of listeners) listener();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const describe = () => `stdout: ${JSON.stringify(lines)}; other output: ${output.join('\n')}`;

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
        reject(new Error(`no matching log line after ${String(timeoutMs)} ms; ${describe()}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  const exited = (timeoutMs: number) =>
    Promise.race([
      exit,
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          reject(new Error(`still running after ${String(timeoutMs)} ms; ${describe()}`));
        }, timeoutMs).unref(),
      ),
    ]);
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  const ready = await Promise.race([
    waitForLog((line) => typeof line.appUrl === 'string', START_TIMEOUT_MS),
    exit.then((code) => {
      throw new Error(`${launcher} exited with ${String(code)} before listening: ${describe()}`);
    }),
  ]);
  return {
    process: child,
    pid,
    appUrl: String(ready.appUrl),
    metricsUrl: String(ready.metricsUrl),
    databasePath,
    waitForLog,
    exited,
    groupAlive,
    logs: () => lines,
  };
}

/** Resolves true when nothing listens at `url` any more (the connection is refused). */
export async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch (error) {
    return (error as { cause?: { code?: unknown } }).cause?.code === 'ECONNREFUSED';
  }
}
