import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventNames, expiredEntries, metrics, usageEvents, type EventName } from '../src/catalog.ts';
import { renderTelemetryMd } from '../src/docs/telemetry-md.ts';

describe('the catalog', () => {
  it('has not outlived any entry: renew or remove an expired one', () => {
    expect(expiredEntries()).toEqual([]);
  });

  it('knows when an entry expires', () => {
    const entries = { dated: { ...usageEvents.directory_search, expires: '2026-06-30' as const }, kept: usageEvents.directory_search };
    expect(expiredEntries('2026-06-30', entries)).toEqual([]);
    expect(expiredEntries('2026-07-01', entries)).toEqual(['dated']);
  });

  it('declares every Phase-1 usage event and the three metrics of the design', () => {
    expect([...eventNames].sort()).toEqual(
      ['consent_granted', 'consent_withdrawn', 'directory_page_view', 'directory_search', 'event_signup', 'profile_visibility_off', 'profile_visibility_on'],
    );
    expect(Object.keys(metrics)).toEqual(['analytics_events_total', 'http_responses_total', 'analytics_rejected_total']);
    for (const entry of [...Object.values(metrics), ...Object.values(usageEvents)]) {
      expect(entry.description.length).toBeGreaterThan(10);
      expect(entry.question).toMatch(/\?$/);
      expect(entry.added).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('makes an undeclared event name a compile error', () => {
    // @ts-expect-error: 'signup_email' is not in the catalog; `npm test` type-checks this file.
    const undeclared: EventName = 'signup_email';
    expect(eventNames).not.toContain(undeclared);
  });

  it('matches the committed TELEMETRY.md (run `npm run generate` after changing the catalog)', () => {
    expect(readFileSync(new URL('../TELEMETRY.md', import.meta.url), 'utf8')).toBe(renderTelemetryMd());
  });
});
