/**
 * `quietcount report` run in-process (its `main`), with stdout and stderr captured.
 */
import { Writable } from 'node:stream';
import { main } from '../../src/cli/report/main.ts';

export interface ReportRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runReport(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ReportRun> {
  const captured = (): Writable & { text: string } => {
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
  };
  const stdout = captured();
  const stderr = captured();
  const code = await main([...args], { stdout, stderr, env, now: () => new Date() });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
