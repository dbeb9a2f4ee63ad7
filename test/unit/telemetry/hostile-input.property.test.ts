/**
 * Property-based: whatever an app (or an attacker through it) passes as labels, nothing of it reaches the
 * exposition or the logs unless it is a valid id, the app never crashes, and the series count stays bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExposition, seriesOf } from '../../support/exposition.ts';
import { startTelemetry } from '../../support/telemetry.ts';
import { canonicalEventId } from '../../../src/common/event-id.ts';
import { eventNames } from '../../fixtures/catalog.ts';
import { OTHER } from '../../../src/schema/bounds.ts';

/** Values shaped like personal data, plus arbitrary strings and non-strings. */
const hostileValue = fc.oneof(
  fc.emailAddress(),
  fc.ipV4(),
  fc.ipV6(),
  fc.stringMatching(/^\+?[0-9 ()-]{7,15}$/),
  fc.string({ minLength: 1, maxLength: 300 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '" } evil{x="1', 'a\nb', 'Mozilla/5.0 (X11; Linux)'),
  fc.double(),
  fc.integer({ min: -1000, max: 0 }),
  fc.constantFrom(null, undefined, true, {}, []),
);
/** Values worth checking for in the output: long enough not to occur in it by chance. */
const isDistinctive = (value: unknown): value is string => typeof value === 'string' && value.trim().length >= 6;

describe('hostile label values', () => {
  it('never appear in /metrics or the logs, never throw, and leave the series bounded', async () => {
    const { telemetry, scrape, logs } = await startTelemetry({ ANALYTICS_LOG_LEVEL: 'debug', ANALYTICS_MAX_EVENT_IDS: '5' });
    const record = telemetry.record as (name: unknown, id: unknown, increment?: unknown) => void;
    const recordLabels = telemetry.recordLabels as (labels: unknown) => void;
    const sent: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            name: fc.oneof(fc.constantFrom(...eventNames), hostileValue),
            id: hostileValue,
            extraLabel: fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), hostileValue), { nil: undefined }),
            increment: fc.option(fc.oneof(fc.double(), fc.integer()), { nil: undefined }),
          }),
          { maxLength: 30 },
        ),
        async (calls) => {
          for (const { name, id, extraLabel, increment } of calls) {
            if (canonicalEventId(id) !== undefined) continue; // a valid id is allowed through by design
            record(name, id, increment);
            const labels: Record<string, unknown> = { event_name: name, event_id: id };
            if (extraLabel !== undefined) labels[extraLabel[0]] = extraLabel[1];
            recordLabels(labels);
            for (const value of [name, id, extraLabel?.[1]]) if (isDistinctive(value) && !eventNames.includes(value as never)) sent.push(value);
          }
          const exposition = await scrape();
          const usage = seriesOf(exposition, 'analytics_events_total');
          expect(usage.every((s) => eventNames.includes(s.labels.event_name as never) && canonicalEventId(s.labels.event_id) !== undefined)).toBe(true);
          const labelValues = parseExposition(exposition).flatMap((s) => Object.values(s.labels));
          const logText = logs.text();
          for (const value of sent) {
            expect(labelValues).not.toContain(value);
            expect(logText).not.toContain(JSON.stringify(value).slice(1, -1));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keep the series count within names × (bound + 1) under a flood of valid distinct ids', async () => {
    const bound = 20;
    const { telemetry, scrape } = await startTelemetry({ ANALYTICS_MAX_EVENT_IDS: String(bound) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('page_viewed', 'search_run'), fc.oneof(fc.uuid(), fc.integer({ min: 1 }))), {
          minLength: 1,
          maxLength: 200,
        }),
        async (calls) => {
          for (const [name, id] of calls) telemetry.record(name, id);
          const usage = seriesOf(await scrape(), 'analytics_events_total');
          expect(usage.length).toBeLessThanOrEqual(2 * (bound + 1));
          expect(usage.filter((s) => s.labels.event_id === OTHER).length).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 50 },
    );
  });
});
