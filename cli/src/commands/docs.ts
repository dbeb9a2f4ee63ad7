/** `quietcount docs`: TELEMETRY.md, the public page of what the app collects, from its catalog. */
import { renderTelemetryMd, TELEMETRY_MD } from '../generate/docs/telemetry-md.ts';
import type { CliIo } from '../cli-io.ts';
import { generatorUsage, runGenerator, type Generator } from './generator-command.ts';

export const docs: Generator = {
  name: 'docs',
  writes: TELEMETRY_MD,
  description: 'Writes TELEMETRY.md: every metric, usage event and rejection reason the app can export, in its own words.',
  takesJob: false,
  render: (catalog) => new Map([[TELEMETRY_MD, renderTelemetryMd(catalog.model, { catalogPath: catalog.path })]]),
};

export const main = (argv: readonly string[], io: CliIo): Promise<number> => runGenerator(docs, argv, io);
export const usage = (): string => generatorUsage(docs);
