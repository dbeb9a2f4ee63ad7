/** `quietcount report` in the reference app's folder, so that `--event` is checked against its catalog. */
import { runReport as runReportIn, type ReportRun } from '../../../../cli/test/support/report-cli.ts';
import { EXAMPLE_DIR } from '../../../../test/support/paths.ts';

export const runReport = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ReportRun> => runReportIn(args, env, EXAMPLE_DIR);
