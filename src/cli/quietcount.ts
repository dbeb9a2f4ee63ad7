#!/usr/bin/env node
/**
 * `quietcount <command>`: one entry point, one module per command, loaded only when asked for.
 */
const commands: Record<string, { summary: string; load: () => Promise<{ main: (argv: string[]) => Promise<number> }> }> = {
  report: { summary: 'daily counts per event from Prometheus (exact integers)', load: () => import('./report/main.ts') },
  docs: { summary: 'write TELEMETRY.md from the catalog', load: () => import('./docs.ts') },
  dashboards: { summary: 'write grafana/dashboards/*.json from the catalog', load: () => import('../dashboards/generate.ts') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(12)}${summary}`);
  return ['usage: quietcount <command> [options]', '', 'commands:', ...lines, '', 'quietcount <command> --help for its options'].join('\n');
}

const [name, ...rest] = process.argv.slice(2);
const command = name === undefined ? undefined : commands[name];
if (command === undefined) {
  const helpAsked = name === undefined || name === '--help' || name === '-h';
  (helpAsked ? process.stdout : process.stderr).write(`${helpAsked ? '' : `quietcount: unknown command "${name}"\n\n`}${usage()}\n`);
  process.exitCode = helpAsked ? 0 : 2;
} else {
  const { main } = await command.load();
  process.exitCode = await main(rest);
}
