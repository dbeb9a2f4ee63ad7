/** `quietcount report` run in-process through the CLI, with stdout and stderr captured. */
import { runCli, type CliRun } from './cli.ts';

export type ReportRun = CliRun;

/** `cwd`: the app's folder, whose catalog `--event` is checked against (default: the CLI tests' app). */
export function runReport(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<ReportRun> {
  return runCli(['report', ...args], { env, ...(cwd === undefined ? {} : { cwd }) });
}
