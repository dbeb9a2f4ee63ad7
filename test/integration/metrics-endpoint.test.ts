import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../support/exposition.ts';
import { promtool } from '../support/promtool.ts';
import { startTelemetry } from '../support/telemetry.ts';
import { eventNames } from '../fixtures/catalog.ts';
import { metricNames } from '../../src/schema/metrics.ts';

describe('/metrics', () => {
  it('passes `promtool check metrics` with usage, HTTP, rejection and process metrics together', async () => {
    const { telemetry, scrape } = await startTelemetry();
    eventNames.forEach((name, index) => {
      if (name === 'page_viewed' || name === 'search_run') telemetry.record(name, index + 1);
    });
    telemetry.observeTable('signup_completed', () => [{ eventId: 1, count: 2 }]);
    const text = await scrape();
    const check = await promtool(['check', 'metrics'], text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
  });

  it('carries no resource, scope, host or process attributes as labels', async () => {
    const { telemetry, scrape } = await startTelemetry();
    telemetry.record('page_viewed', 1);
    const text = await scrape();
    expect(text).not.toMatch(/target_info|otel_scope|service_name|host_name|process_pid|process_command/);
    const ours = parseExposition(text).filter((sample) => (metricNames as string[]).includes(sample.name));
    expect(ours.length).toBeGreaterThan(0);
    for (const sample of ours) {
      expect(Object.keys(sample.labels).every((label) => ['event_name', 'event_id', 'reason', 'endpoint', 'status_code'].includes(label))).toBe(true);
    }
  });

  it('has no metric name declared twice (OTel and prom-client side by side)', async () => {
    const { scrape } = await startTelemetry();
    const types = (await scrape()).split('\n').filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ')[2]);
    expect(new Set(types).size).toBe(types.length);
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const { address } = await startTelemetry({ METRICS_TOKEN: 's3cret-token' });
    const get = (authorization?: string) =>
      fetch(`${address.url}/metrics`, { headers: authorization === undefined ? {} : { authorization } });
    expect((await get()).status).toBe(401);
    expect((await get('Bearer wrong')).status).toBe(401);
    expect((await get('Bearer s3cret-token-and-more')).status).toBe(401);
    expect((await get('Basic czNjcmV0LXRva2Vu')).status).toBe(401);
    const denied = await get('Bearer wrong');
    expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await denied.text()).not.toContain('s3cret');
    expect((await get('Bearer s3cret-token')).status).toBe(200);
    expect((await fetch(`${address.url}/analytics/catalog`)).status).toBe(401);
  });

  it('reads the token from METRICS_TOKEN_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quietcount-'));
    writeFileSync(join(dir, 'token'), 'from-a-file\n');
    const { address } = await startTelemetry({ METRICS_TOKEN_FILE: join(dir, 'token') });
    expect((await fetch(`${address.url}/metrics`, { headers: { authorization: 'Bearer from-a-file' } })).status).toBe(200);
  });

  it('answers 404 and 405 for anything else', async () => {
    const { address } = await startTelemetry();
    expect((await fetch(`${address.url}/`)).status).toBe(404);
    expect((await fetch(`${address.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('lets a shutting-down app wait for the next scrape', async () => {
    const { telemetry, scrape } = await startTelemetry();
    const waiting = telemetry.waitForNextScrape(10_000);
    await scrape();
    expect(await waiting).toBe(true);
    expect(await telemetry.waitForNextScrape(50)).toBe(false);
  });
});

describe('/analytics/catalog', () => {
  it('serves the catalog and whether collection is on', async () => {
    const { address } = await startTelemetry({ ANALYTICS_MAX_EVENT_IDS: '10' });
    const body = (await (await fetch(`${address.url}/analytics/catalog`)).json()) as Record<string, unknown>;
    expect(body.collecting).toBe(true);
    expect(body.maxEventIdsPerEventName).toBe(10);
    expect(Object.keys(body.usageEvents as object)).toEqual(eventNames);
    expect(Object.keys(body.metrics as object)).toEqual(metricNames);
  });

  it('says when collection is off and why', async () => {
    const { address } = await startTelemetry({ DO_NOT_TRACK: '1' });
    const body = (await (await fetch(`${address.url}/analytics/catalog`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ collecting: false, optOut: 'DO_NOT_TRACK' });
  });
});
