/**
 * `npm run demo` traffic against the app: every usage counter of the catalog moves, 4xx show up, nothing fails.
 */
import { expect, it } from 'vitest';
import { eventNames } from '../support/catalog.ts';
import { runDemo } from '../../src/demo/traffic.ts';
import { startTestApp } from '../support/app.ts';
import { seriesOf } from '../../../../test/support/exposition.ts';

it('sends the requested traffic and feeds every usage counter, with some 4xx and no 5xx', async () => {
  const app = await startTestApp();
  const progress: number[] = [];
  const summary = await runDemo({
    url: app.baseUrl,
    requests: 300,
    rate: 0,
    maxDurationMs: 30_000,
    events: 3,
    seed: 7,
    onRequest: (sent) => progress.push(sent),
  });
  expect(summary.sent).toBe(300);
  expect(progress).toEqual(Array.from({ length: 300 }, (_, index) => index + 1));

  const metrics = await app.counts();
  const usage = seriesOf(metrics, 'analytics_events_total');
  for (const eventName of eventNames) {
    const total = usage.filter((sample) => sample.labels.event_name === eventName).reduce((sum, s) => sum + s.value, 0);
    expect(total, eventName).toBeGreaterThan(0);
  }
  expect(new Set(usage.map((sample) => sample.labels.event_id))).toEqual(new Set(['1', '2', '3']));

  const responses = seriesOf(metrics, 'http_responses_total');
  const byClass = (digit: string) =>
    responses.filter((sample) => sample.labels.status_code?.startsWith(digit)).reduce((sum, s) => sum + s.value, 0);
  expect(byClass('4')).toBeGreaterThan(0);
  expect(byClass('5')).toBe(0);
  expect(byClass('2') + byClass('4')).toBe(300);
  await app.stop();
});
