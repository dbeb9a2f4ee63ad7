import { describe, expect, it } from 'vitest';
import { testCatalog } from '../../fixtures/catalog.ts';
import { seriesOf, valueOf } from '../../support/exposition.ts';
import { startTelemetry } from '../../support/telemetry.ts';
import { OTHER } from '../../../src/schema/bounds.ts';
import { createTelemetry, QuietcountRuleError } from '../../../src/index.ts';
import { captureLogs } from '../../support/log-capture.ts';

const views = (id: string) => ({ event_name: 'page_viewed', event_id: id });
const rejected = (reason: string) => ({ reason });

describe('recording usage events', () => {
  it('counts increments per event name and canonical event id', async () => {
    const { telemetry, counts } = await startTelemetry();
    telemetry.record('page_viewed', 42);
    telemetry.record('page_viewed', '42');
    telemetry.record('page_viewed', 42, 3);
    telemetry.record('search_run', '6F9619FF-8B86-D011-B42D-00CF4FC964FF');
    telemetry.recordLabels({ event_name: 'search_run', event_id: '6f9619ff-8b86-d011-b42d-00cf4fc964ff' });
    const text = await counts();
    expect(valueOf(text, 'analytics_events_total', views('42'))).toBe(5);
    expect(valueOf(text, 'analytics_events_total', { event_name: 'search_run', event_id: '6f9619ff-8b86-d011-b42d-00cf4fc964ff' })).toBe(2);
    expect(seriesOf(text, 'analytics_events_total')).toHaveLength(2);
  });

  it('refuses what the catalog does not allow, counting each refusal by reason', async () => {
    const { telemetry, counts } = await startTelemetry();
    const untyped = telemetry as unknown as { record: (...args: unknown[]) => void; recordLabels: (...args: unknown[]) => void };
    untyped.record('signup_email_sent', 1);
    untyped.record('__proto__', 1);
    untyped.record('signup_completed', 1); // derived from a table: recording it in memory would double count
    untyped.record('page_viewed', 'alice@example.com');
    untyped.record('page_viewed', 1, -1);
    untyped.record('page_viewed', 1, 0.5);
    untyped.record('page_viewed', 1, Number.POSITIVE_INFINITY);
    untyped.recordLabels({ event_name: 'page_viewed', event_id: 1, email: 'alice@example.com' });
    untyped.recordLabels(JSON.parse('{"event_name":"page_viewed","event_id":1,"__proto__":{"x":1}}'));
    const text = await counts();
    expect(seriesOf(text, 'analytics_events_total')).toHaveLength(0);
    expect(valueOf(text, 'analytics_rejected_total', rejected('unknown_event_name'))).toBe(2);
    expect(valueOf(text, 'analytics_rejected_total', rejected('wrong_event_source'))).toBe(1);
    expect(valueOf(text, 'analytics_rejected_total', rejected('invalid_event_id'))).toBe(1);
    expect(valueOf(text, 'analytics_rejected_total', rejected('invalid_increment'))).toBe(3);
    expect(valueOf(text, 'analytics_rejected_total', rejected('unknown_label'))).toBe(2);
    expect(text).not.toContain('alice');
    expect(text).not.toContain('signup_email_sent');
  });

  it('throws in strict mode (NODE_ENV=test) without echoing the value', () => {
    const telemetry = createTelemetry({ catalog: testCatalog, env: { NODE_ENV: 'test' } });
    const record = telemetry.record as (name: string, id: unknown) => void;
    let error: unknown;
    try {
      record('page_viewed', 'alice@example.com');
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(QuietcountRuleError);
    expect((error as Error).message).toMatch(/invalid_event_id/);
    expect((error as Error).message).not.toContain('alice');
    void telemetry.shutdown();
  });
});

describe('the cardinality bound', () => {
  it('sends new ids past ANALYTICS_MAX_EVENT_IDS to __other__, counted, and keeps admitted ids counting', async () => {
    const { telemetry, counts } = await startTelemetry({ ANALYTICS_MAX_EVENT_IDS: '3' });
    for (let id = 1; id <= 10; id += 1) telemetry.record('page_viewed', id);
    telemetry.record('page_viewed', 2, 5);
    telemetry.record('page_viewed', '9', 2);
    const text = await counts();
    expect(seriesOf(text, 'analytics_events_total').map((s) => s.labels.event_id)).toEqual(['1', '2', '3', OTHER]);
    expect(valueOf(text, 'analytics_events_total', views('2'))).toBe(6);
    expect(valueOf(text, 'analytics_events_total', views(OTHER))).toBe(9);
    expect(valueOf(text, 'analytics_rejected_total', rejected('cardinality_overflow'))).toBe(9);
  });

  it('bounds each event name separately', async () => {
    const { telemetry, counts } = await startTelemetry({ ANALYTICS_MAX_EVENT_IDS: '2' });
    for (let id = 1; id <= 5; id += 1) {
      telemetry.record('page_viewed', id);
      telemetry.record('search_run', id);
    }
    const text = await counts();
    expect(seriesOf(text, 'analytics_events_total')).toHaveLength(6);
  });
});

describe('table-derived counters', () => {
  it('reads cumulative counts at each counts, bounded like the rest', async () => {
    const { telemetry, counts } = await startTelemetry({ ANALYTICS_MAX_EVENT_IDS: '2' });
    let rows = [
      { eventId: 1, count: 4 },
      { eventId: '2', count: 1 },
    ];
    telemetry.observeTable('signup_completed', () => rows);
    let text = await counts();
    expect(valueOf(text, 'analytics_events_total', { event_name: 'signup_completed', event_id: '1' })).toBe(4);
    rows = [...rows, { eventId: 3, count: 2 }, { eventId: 'alice@example.com', count: 1 }];
    text = await counts();
    expect(valueOf(text, 'analytics_events_total', { event_name: 'signup_completed', event_id: OTHER })).toBe(2);
    expect(valueOf(text, 'analytics_rejected_total', rejected('cardinality_overflow'))).toBe(2);
    expect(valueOf(text, 'analytics_rejected_total', rejected('invalid_event_id'))).toBe(1);
    expect(text).not.toContain('alice');
    text = await counts();
    expect(valueOf(text, 'analytics_rejected_total', rejected('cardinality_overflow'))).toBe(2);
  });

  it('refuses a table reader for an in-memory event name', async () => {
    const { telemetry, counts } = await startTelemetry();
    (telemetry.observeTable as (name: string, read: () => []) => void)('search_run', () => []);
    expect(valueOf(await counts(), 'analytics_rejected_total', rejected('wrong_event_source'))).toBe(1);
  });
});

describe('opt-out', () => {
  it.each([
    ['ANALYTICS_DISABLED', 'true'],
    ['DO_NOT_TRACK', '1'],
  ])('%s=%s records and exports no usage series, and says so once at start', async (variable, value) => {
    const { telemetry, counts, logs } = await startTelemetry({ [variable]: value });
    telemetry.record('page_viewed', 1);
    telemetry.observeTable('signup_completed', () => [{ eventId: 1, count: 1 }]);
    const text = await counts();
    expect(text).not.toContain('analytics_events_total');
    expect(logs.lines.filter((line) => line.includes('collection is off'))).toHaveLength(1);
    expect(logs.text()).toContain(variable);
    expect(logs.text()).not.toContain('"delta"');
  });
});

describe('debug mode', () => {
  it('logs each recorded increment as one JSON line: metric, labels, delta', async () => {
    const { telemetry, counts, logs } = await startTelemetry({ ANALYTICS_LOG_LEVEL: 'debug', ANALYTICS_MAX_EVENT_IDS: '1' });
    telemetry.record('page_viewed', 7, 2);
    telemetry.record('page_viewed', 8);
    // What the table holds at registration is history, not recorded by this process: only what it gains is logged.
    const rows = [{ eventId: 7, count: 1 }];
    telemetry.observeTable('consent_given', () => rows);
    rows[0] = { eventId: 7, count: 4 };
    await counts();
    const recorded = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => 'delta' in entry);
    expect(recorded.map(({ metric, labels, delta }) => ({ metric, labels, delta }))).toEqual([
      { metric: 'analytics_events_total', labels: { event_name: 'page_viewed', event_id: '7' }, delta: 2 },
      { metric: 'analytics_events_total', labels: { event_name: 'page_viewed', event_id: OTHER }, delta: 1 },
      { metric: 'analytics_events_total', labels: { event_name: 'consent_given', event_id: '7' }, delta: 3 },
    ]);
  });

  it('logs increments through an app logger that itself logs at info', async () => {
    const logs = captureLogs('info');
    const telemetry = createTelemetry({ catalog: testCatalog, env: { NODE_ENV: 'production', ANALYTICS_LOG_LEVEL: 'debug' }, logger: logs.logger });
    telemetry.record('search_run', 5);
    expect(logs.lines.map((line) => JSON.parse(line) as { delta?: number }).filter((entry) => entry.delta === 1)).toHaveLength(1);
    await telemetry.shutdown();
  });

  it('logs nothing per increment at the default level', async () => {
    const { telemetry, logs } = await startTelemetry();
    telemetry.record('page_viewed', 7);
    expect(logs.lines).toHaveLength(0);
  });
});
