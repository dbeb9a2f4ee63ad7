/**
 * The reference app, quietcount's first adopter: its catalog lives with the app, declares the Phase-1 events, has
 * outlived none of them, and its generated files (TELEMETRY.md, dashboards, rules) are what the CLI generates.
 */
import { describe, expect, it } from 'vitest';
import { expiredEvents } from '../src/catalog/expiry.ts';
import { eventNames, referenceModel } from './support/reference-catalog.ts';
import { runCli } from './support/cli.ts';

describe('the reference app catalog', () => {
  it('has not outlived any entry: renew or remove an expired one', () => {
    expect(expiredEvents(referenceModel)).toEqual([]);
  });

  it('declares every Phase-1 usage event', () => {
    expect([...eventNames].sort()).toEqual(
      ['consent_granted', 'consent_withdrawn', 'directory_page_view', 'directory_search', 'event_signup', 'profile_visibility_off', 'profile_visibility_on'],
    );
    expect(referenceModel.namesBySource.memory).toEqual(['directory_page_view', 'directory_search']);
  });

  it.each(['docs', 'dashboards', 'rules'])('matches the committed output of quietcount %s (run `npm run generate` after changing it)', async (command) => {
    const run = await runCli([command, '--check']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
