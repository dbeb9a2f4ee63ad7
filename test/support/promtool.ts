import { spawnSync } from 'node:child_process';
import { promtoolBinary } from './prometheus.ts';

/** Runs Debian's promtool (a missing binary fails with the command that installs it, never a skip). */
export async function promtool(args: string[], input?: string): Promise<{ status: number | null; output: string }> {
  const result = spawnSync(await promtoolBinary(), args, { input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
