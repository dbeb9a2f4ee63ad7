/**
 * `quietcount <command>`: one entry point, one module per command, loaded only when asked for (the generators'
 * dependencies, such as the Grafana SDK, load with their command and never with the library).
 */
import { CommandError, UsageError, type CliIo } from './cli-io.ts';
import { libraryVersionProblem } from './library-version.ts';

export { processIo } from './cli-io.ts';

interface CommandModule {
  main(argv: readonly string[], io: CliIo): Promise<number>;
  usage(): string;
}

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  docs: { summary: 'write TELEMETRY.md from the app\'s catalog', load: () => import('./commands/docs.ts') },
  dashboards: { summary: 'write grafana/dashboards/*.json for the app\'s events', load: () => import('./commands/dashboards.ts') },
  rules: { summary: 'write prometheus/rules/*.yml (recording rules and alerts) for the app', load: () => import('./commands/rules.ts') },
  report: { summary: 'exact daily counts per event from Prometheus', load: () => import('./report/main.ts') },
  publish: { summary: 'write the public aggregates page of the events marked publish: true', load: () => import('./publish/main.ts') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(12)}${summary}`);
  return ['usage: quietcount <command> [options]', '', 'commands:', ...lines, '', 'quietcount <command> --help for its options', ''].join('\n');
}

export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : commands[name];
  if (command === undefined) {
    const helpAsked = name === undefined || name === '--help' || name === '-h';
    (helpAsked ? io.stdout : io.stderr).write(`${helpAsked ? '' : `quietcount: unknown command "${name}"\n\n`}${usage()}`);
    return helpAsked ? 0 : 2;
  }
  const versionProblem = libraryVersionProblem(io.cwd);
  if (versionProblem !== undefined) {
    io.stderr.write(`quietcount ${name ?? ''}: ${versionProblem}\n`);
    return 1;
  }
  const module = await command.load();
  try {
    return await module.main(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`quietcount ${name ?? ''}: ${error.message}\n\n${module.usage()}`);
      return 2;
    }
    // Anything else is a bug of quietcount's: one line all the same, since a stack can quote app data.
    const message = error instanceof CommandError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr.write(`quietcount ${name ?? ''}: ${message}\n`);
    return 1;
  }
}
