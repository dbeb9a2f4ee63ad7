/**
 * The library with an app's own catalog, not the reference app's: its names are recorded and exported, others are
 * refused, expired entries stop being recorded without taking the app down, and instances are independent and
 * leave nothing running after shutdown.
 */
import { describe, expect, it } from 'vitest';
import { createTelemetry, defineCatalog } from '../../../src/index.ts';
import { seriesOf, valueOf } from '../../support/exposition.ts';
import { captureLogs } from '../../support/log-capture.ts';

const stewardship = { description: 'Counted.', question: 'How often?', owner: 'shop-team', added: '2025-12-01', expires: 'never' } as const;

const shop = defineCatalog({
  app: 'shop',
  events: {
    checkout_started: { ...stewardship, source: 'memory' },
    cart_viewed: { ...stewardship, source: 'memory' },
    order_placed: { ...stewardship, source: 'table' },
    // Past its expiry day whenever this test runs.
    banner_clicked: { ...stewardship, source: 'memory', expires: '2026-01-01' },
    coupon_redeemed: { ...stewardship, source: 'table', expires: '2026-01-01' },
  },
});

const PRODUCTION = { NODE_ENV: 'production' };

async function startShop(env: NodeJS.ProcessEnv = PRODUCTION) {
  const logs = captureLogs('info');
  const telemetry = createTelemetry({ catalog: shop, env, metrics: { port: 0 }, logger: logs.logger });
  const address = await telemetry.startMetricsServer();
  const scrape = async (): Promise<string> => (await fetch(`${address.url}/metrics`)).text();
  const counts = (): Promise<string> => telemetry.metricsText();
  return { telemetry, scrape, counts, logs, address };
}

describe('an app with its own catalog', () => {
  it('records its own events and refuses undeclared ones', async () => {
    const { telemetry, counts } = await startShop();
    try {
      telemetry.record('checkout_started', 7);
      telemetry.record('cart_viewed', 7, 2);
      telemetry.observeTable('order_placed', () => [{ eventId: 7, count: 3 }]);
      (telemetry.record as (name: string, id: number) => void)('page_viewed', 7);
      const text = await counts();
      expect(valueOf(text, 'analytics_events_total', { event_name: 'checkout_started', event_id: '7' })).toBe(1);
      expect(valueOf(text, 'analytics_events_total', { event_name: 'cart_viewed', event_id: '7' })).toBe(2);
      expect(valueOf(text, 'analytics_events_total', { event_name: 'order_placed', event_id: '7' })).toBe(3);
      expect(valueOf(text, 'analytics_rejected_total', { reason: 'unknown_event_name' })).toBe(1);
      expect(text).not.toContain('page_viewed');
    } finally {
      await telemetry.shutdown();
    }
  });

  it('stops recording an expired entry, counts it as expired_event, never throws, and says so at start', async () => {
    const { telemetry, counts, logs, address } = await startShop({ NODE_ENV: 'test' });
    try {
      expect(() => {
        telemetry.record('banner_clicked', 1);
      }).not.toThrow();
      telemetry.observeTable('coupon_redeemed', () => [{ eventId: 1, count: 4 }]);
      const text = await counts();
      expect(seriesOf(text, 'analytics_events_total').filter((sample) => sample.labels.event_name === 'banner_clicked')).toEqual([]);
      expect(valueOf(text, 'analytics_events_total', { event_name: 'coupon_redeemed', event_id: '1' })).toBe(0);
      expect(valueOf(text, 'analytics_rejected_total', { reason: 'expired_event' })).toBe(5);
      expect(logs.text()).toContain('catalog entry banner_clicked has expired');
      const document = (await (await fetch(`${address.url}/analytics/catalog`)).json()) as { usageEvents: Record<string, { expired: boolean }> };
      expect(document.usageEvents.banner_clicked?.expired).toBe(true);
      expect(document.usageEvents.checkout_started?.expired).toBe(false);
    } finally {
      await telemetry.shutdown();
    }
  });
});

describe('telemetry instances', () => {
  it('do not clash: two in one process count apart', async () => {
    const first = await startShop();
    const second = await startShop();
    try {
      first.telemetry.record('checkout_started', 1);
      second.telemetry.record('checkout_started', 1, 5);
      expect(valueOf(await first.counts(), 'analytics_events_total', { event_name: 'checkout_started', event_id: '1' })).toBe(1);
      expect(valueOf(await second.counts(), 'analytics_events_total', { event_name: 'checkout_started', event_id: '1' })).toBe(5);
    } finally {
      await Promise.all([first.telemetry.shutdown(), second.telemetry.shutdown()]);
    }
  });

  it('leave no timer, socket or other handle behind once shut down', async () => {
    const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
    await settle();
    const before = resourceCounts();
    for (let round = 0; round < 3; round += 1) {
      const { telemetry, scrape } = await startShop();
      await scrape();
      await telemetry.shutdown();
    }
    await settle();
    const after = resourceCounts();
    for (const [type, count] of after) expect(count, type).toBeLessThanOrEqual(before.get(type) ?? 0);
  });
});

/** Active handles and requests of the process by type (the test runner's own included, hence "no more than"). */
function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}
