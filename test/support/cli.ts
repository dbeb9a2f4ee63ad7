/**
 * The `quietcount` CLI run in-process (the same `run` bin/quietcount.js calls), with stdout and stderr captured.
 */
import { Writable } from 'node:stream';
import { run } from '../../src/cli/quietcount.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliContext {
  readonly env?: NodeJS.ProcessEnv;
  /** Default: the repo root, whose package.json names the reference app's catalog. */
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
    cwd: context.cwd ?? process.cwd(),
    now: context.now ?? (() => new Date()),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
