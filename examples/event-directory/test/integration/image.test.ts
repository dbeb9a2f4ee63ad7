/**
 * The app image without a Docker engine (there is none here): the Dockerfile's stages are replayed in temp folders,
 * each COPY from the build context (the repository, less what .dockerignore leaves out), each RUN of the dependencies
 * stage as a shell command, the runtime stage's ENV, WORKDIR and CMD. What Docker alone does (the base image, USER,
 * file ownership) is not replayed. The image's app must start from the CMD and pass the HEALTHCHECK, and the image
 * must hold no build-time tool.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../../../../test/support/clean-env.ts';
import { EXAMPLE_DIR, REPO_ROOT } from '../../../../test/support/paths.ts';

interface Instruction {
  readonly name: string;
  readonly args: string;
}

interface Stage {
  readonly name: string;
  readonly instructions: readonly Instruction[];
}

function stagesOf(dockerfile: string): Stage[] {
  const stages: { name: string; instructions: Instruction[] }[] = [];
  for (const line of dockerfile.replace(/\\\n/g, ' ').split('\n')) {
    const match = /^([A-Z]+) +(.*)$/.exec(line.trim());
    if (match === null) continue;
    const [, name = '', args = ''] = match;
    if (name === 'FROM') stages.push({ name: / AS (\S+)$/.exec(args)?.[1] ?? '', instructions: [] });
    else stages.at(-1)?.instructions.push({ name, args });
  }
  return stages;
}

const run = promisify(execFile);

let work: string;
let app: ChildProcessByStdio<null, Readable, Readable> | undefined;
let appRoot: string;
const imageEnv: Record<string, string> = {};
let appDir: string;
let command: string[] = [];
let healthcheck: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'quietcount-image-'));
  const stages = stagesOf(await readFile(join(EXAMPLE_DIR, 'Dockerfile'), 'utf8'));
  const roots = new Map<string, string>();
  for (const stage of stages) {
    const root = join(work, stage.name);
    roots.set(stage.name, root);
    let workdir = root;
    for (const { name, args } of stage.instructions) {
      if (name === 'WORKDIR') {
        workdir = join(root, args);
        await mkdir(workdir, { recursive: true });
      } else if (name === 'COPY') {
        // COPY [--from=stage] source… target: sources from the build context, or absolute in another stage.
        const from = /^--from=(\S+) +/.exec(args)?.[1];
        const paths = args.replace(/^--from=\S+ +/, '').split(/ +/);
        const target = paths.pop() ?? '';
        const sourceRoot = from === undefined ? REPO_ROOT : (roots.get(from) ?? '');
        for (const source of paths) {
          const into = target.endsWith('/') ? join(workdir, target, source.replace(/\/$/, '').split('/').at(-1) ?? '') : join(workdir, target);
          await cp(join(sourceRoot, source), into, { recursive: true, verbatimSymlinks: true });
        }
      } else if (name === 'RUN' && stage.name === 'dependencies') {
        await run('sh', ['-c', args], { cwd: workdir, env: cleanEnv(), timeout: 240_000 });
      } else if (name === 'ENV') {
        for (const [, key = '', value = ''] of args.matchAll(/(\w+)=(\S+)/g)) imageEnv[key] = value;
      } else if (name === 'CMD') {
        command = JSON.parse(args) as string[];
      } else if (name === 'HEALTHCHECK') {
        healthcheck = JSON.parse(args.slice(args.indexOf('CMD ') + 4)) as string[];
      }
    }
    if (stage.name === 'runtime') appDir = workdir;
  }
  appRoot = join(work, 'runtime');
}, 300_000);

afterAll(async () => {
  app?.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
});

describe('the app image, replayed from its Dockerfile', () => {
  it('holds the app, the library and their production dependencies, and no build-time tool', async () => {
    const modules = await readdir(join(appRoot, 'app', 'node_modules'));
    expect(modules).toEqual(expect.arrayContaining(['quietcount', 'express', 'pino', 'prom-client', '@opentelemetry']) as unknown);
    expect(modules.filter((name) => ['quietcount-cli', '@grafana', 'yaml', 'cli-progress', 'typescript', 'vitest'].includes(name))).toEqual([]);
  });

  it('starts the app from its CMD and passes its HEALTHCHECK', async () => {
    const [file = '', ...args] = command;
    // Loopback and free ports here, where the image listens on every interface at fixed ports.
    const env = cleanEnv({ ...imageEnv, HOST: '127.0.0.1', PORT: '0', METRICS_HOST: '127.0.0.1', METRICS_PORT: '0', DATABASE_PATH: ':memory:' });
    app = spawn(file === 'node' ? process.execPath : file, args, { cwd: appDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = app;
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: started.stdout }).on('line', (line) => {
        const { appPort } = JSON.parse(line) as { appPort?: number };
        if (appPort !== undefined) resolve(appPort);
      });
      started.once('exit', (code) => {
        reject(new Error(`the image's app exited (${String(code)}) before listening`));
      });
    });
    const [checkFile = '', ...checkArgs] = healthcheck;
    const check = await run(checkFile === 'node' ? process.execPath : checkFile, checkArgs, { env: { ...env, PORT: String(port) } }).then(
      () => 0,
      (error: unknown) => (error as { code?: number }).code ?? 1,
    );
    expect(check).toBe(0);
  });
});
