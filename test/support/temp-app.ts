/**
 * A fresh app folder outside this repository, as a new user has one: its own package.json, the packed tarballs
 * installed from files, its frameworks from the npm registry. Commands run with a clean environment: nothing of
 * this repository's settings (its `quietcount-source` condition, NODE_ENV=test) leaks into the app.
 */
import { execFile, spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { cleanEnv } from './clean-env.ts';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TempApp {
  readonly dir: string;
  /** The environment every command of the app gets (plus what a call adds). */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /** Runs a command in the app's folder; never throws on an exit code. */
  run(file: string, args: readonly string[], extraEnv?: Record<string, string>): Promise<CommandResult>;
  /** `node_modules/.bin/<name>` of the app, as `npx <name>` would find it. */
  bin(name: string): string;
  /** Starts a long-running process (the app itself), stopped by `remove()`. */
  start(file: string, args: readonly string[], extraEnv?: Record<string, string>): ChildProcessByStdio<null, Readable, Readable>;
  remove(): Promise<void>;
}

export interface TempAppOptions {
  /** The folder's name: the app's package name too. */
  readonly name: string;
  /** Files to copy in (a fixture folder), before the install. */
  readonly from?: string;
  /** `module` (ESM) unless given. */
  readonly type?: 'module' | 'commonjs';
  /** Registry packages, `name@version`. */
  readonly dependencies?: readonly string[];
  /** Install quietcount-cli as a devDependency, as an app does. */
  readonly withCli?: boolean;
}

const run = promisify(execFile);

export async function createTempApp(options: TempAppOptions): Promise<TempApp> {
  const tarballs = inject('tarballs');
  const root = await mkdtemp(join(tmpdir(), `quietcount-app-${options.name}-`));
  const dir = join(root, options.name);
  if (options.from !== undefined) await cp(options.from, dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: options.name, private: true, type: options.type ?? 'module' }, null, 2)}\n`);
  const children: ChildProcess[] = [];
  const env = cleanEnv;
  const app: TempApp = {
    dir,
    env,
    run: async (file, args, extraEnv) => {
      try {
        const { stdout, stderr } = await run(file, [...args], { cwd: dir, env: env(extraEnv), timeout: 240_000, maxBuffer: 64 * 1024 * 1024 });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      }
    },
    bin: (name) => join(dir, 'node_modules', '.bin', name),
    start: (file, args, extraEnv) => {
      const child = spawn(file, [...args], { cwd: dir, env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      return child;
    },
    remove: async () => {
      for (const child of children) child.kill('SIGKILL');
      await rm(root, { recursive: true, force: true });
    },
  };
  const install = async (args: readonly string[]): Promise<void> => {
    const result = await app.run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args]);
    if (result.code !== 0) throw new Error(`npm install ${args.join(' ')} failed in ${dir}:\n${result.stderr}`);
  };
  await install([tarballs.library, ...(options.dependencies ?? [])]);
  if (options.withCli === true) await install(['--save-dev', tarballs.cli]);
  return app;
}
