/**
 * The reference app, quietcount's first adopter: its catalog lives with the app, declares the events of its first release, has
 * outlived none of them, and its generated files (TELEMETRY.md, dashboards, rules) are what the CLI generates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expiredEvents } from 'quietcount';
import { eventNames, referenceModel } from '../support/catalog.ts';
import { runCli } from '../../../../cli/test/support/cli.ts';
import { EXAMPLE_DIR } from '../../../../test/support/paths.ts';

describe('the reference app catalog', () => {
  it('has not outlived any entry: renew or remove an expired one', () => {
    expect(expiredEvents(referenceModel)).toEqual([]);
  });

  it('declares every usage event of its first release', () => {
    expect([...eventNames].sort()).toEqual(
      ['consent_granted', 'consent_withdrawn', 'directory_page_view', 'directory_search', 'event_signup', 'profile_visibility_off', 'profile_visibility_on'],
    );
    expect(referenceModel.namesBySource.memory).toEqual(['directory_page_view', 'directory_search']);
  });

  // The commands of `npm run generate`, each checked as it runs there: same command, same --out.
  const generate = (JSON.parse(readFileSync(join(EXAMPLE_DIR, 'package.json'), 'utf8')) as { scripts: { generate: string } }).scripts.generate;
  const commands = generate.split('&&').map((command) => command.trim().split(/\s+/).slice(1));

  it('generates TELEMETRY.md, the rules and the dashboards', () => {
    expect(commands.map(([command]) => command)).toEqual(['docs', 'rules', 'dashboards']);
  });

  it.each(commands)('matches the committed output of quietcount %s (run `npm run generate` after changing it)', async (...argv) => {
    const run = await runCli([...argv, '--check'], { cwd: EXAMPLE_DIR });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
