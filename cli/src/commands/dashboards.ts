/** `quietcount dashboards`: the app's Grafana dashboards (product usage, per event, errors, telemetry health). */
import { DASHBOARDS_DIR, renderDashboards } from '../generate/dashboards/dashboards.ts';
import type { CliIo } from '../cli-io.ts';
import { generatorUsage, runGenerator, type Generator } from './generator-command.ts';

export const dashboards: Generator = {
  name: 'dashboards',
  writes: `${DASHBOARDS_DIR}/*.json`,
  description:
    'Writes the Grafana dashboards for the app\'s events, as classic dashboard JSON for file provisioning: product usage,\nper event (one event id), errors and telemetry health.',
  takesJob: true,
  render: (catalog) => renderDashboards(catalog.model),
};

export const main = (argv: readonly string[], io: CliIo): Promise<number> => runGenerator(dashboards, argv, io);
export const usage = (): string => generatorUsage(dashboards);
