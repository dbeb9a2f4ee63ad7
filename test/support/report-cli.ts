/** `quietcount report` run in-process through the CLI, with stdout and stderr captured. */
import { runCli, type CliRun } from './cli.ts';

export type ReportRun = CliRun;

export function runReport(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ReportRun> {
  return runCli(['report', ...args], { env });
}
