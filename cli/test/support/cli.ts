/**
 * The `quietcount` CLI run in-process (the same `run` bin/quietcount.js calls), with stdout and stderr captured.
 */
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { run } from '../../src/quietcount.ts';

export const FIXTURE_APP = join(import.meta.dirname, '..', 'fixtures', 'app');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliContext {
  readonly env?: NodeJS.ProcessEnv;
  /** Default: the CLI tests' app (fixtures/app), whose catalog is found by its default file name. */
  readonly cwd?: string;
  readonly now?: () => Date;
}

function captured(): Writable & { text: string } {
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        stream.text += chunk.toString();
        done();
      },
    }),
    { text: '' },
  );
  return stream;
}

export async function runCli(argv: readonly string[], context: CliContext = {}): Promise<CliRun> {
  const stdout = captured();
  const stderr = captured();
  const code = await run(argv, {
    stdout,
    stderr,
    env: context.env ?? {},
    cwd: context.cwd ?? FIXTURE_APP,
    now: context.now ?? (() => new Date()),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
