import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's promtool: a missing binary fails the test with the command that installs it, never a skip. */
export function promtoolPath(): string {
  const path = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';
  if (!existsSync(path)) throw new Error(`promtool not found at ${path}: apt-get install -y prometheus (or set PROMTOOL_BIN)`);
  return path;
}

export function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(promtoolPath(), args, { input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
