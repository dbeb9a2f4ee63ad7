/**
 * An app's catalog: defineCatalog() keeps the types, validateCatalog() refuses what is invalid with every problem
 * named (entry, field, rule), expiry is a date check, and createTelemetry() refuses an invalid catalog.
 */
import { describe, expect, it } from 'vitest';
import { CatalogError, createTelemetry, defineCatalog, expiredEvents, validateCatalog, type Telemetry } from '../../src/index.ts';

const entry = {
  source: 'memory',
  description: 'A checkout was started.',
  question: 'How many checkouts start?',
  owner: 'shop-team',
  added: '2026-12-01',
  expires: 'never',
} as const;

const shop = defineCatalog({
  app: 'shop',
  eventIdMeaning: 'an order',
  events: {
    checkout_started: entry,
    cart_viewed: { ...entry, description: 'A cart was shown.', displayName: 'Cart views', dropOffAlert: true },
    order_placed: { ...entry, source: 'table', description: 'An order was placed.', expires: '2027-06-30' },
  },
});

function problemsOf(input: unknown): readonly string[] {
  try {
    validateCatalog(input);
  } catch (error) {
    if (error instanceof CatalogError) return error.problems;
    throw error;
  }
  return [];
}

describe('defineCatalog', () => {
  it('returns the catalog as declared, frozen', () => {
    expect(shop.events.checkout_started.source).toBe('memory');
    expect(Object.isFrozen(shop.events.order_placed)).toBe(true);
  });

  it('types record() for declared memory events and observeTable() for table events only', () => {
    // Never called: the compiler is the test (`npm test` type-checks this file).
    const usesTypes = (telemetry: ReturnType<typeof createTelemetry<typeof shop>>): void => {
      telemetry.record('checkout_started', 42);
      telemetry.recordLabels({ event_name: 'cart_viewed', event_id: '42' });
      telemetry.observeTable('order_placed', () => []);
      // @ts-expect-error: 'checkout_done' is not declared
      telemetry.record('checkout_done', 42);
      // @ts-expect-error: order_placed is a table event
      telemetry.record('order_placed', 42);
      // @ts-expect-error: checkout_started is a memory event
      telemetry.observeTable('checkout_started', () => []);
      // Any app's telemetry is a Telemetry, for code that takes any.
      const any: Telemetry = telemetry;
      any.record('anything', 1);
    };
    expect(usesTypes).toBeTypeOf('function');
  });
});

describe('validateCatalog', () => {
  it('fills in the defaults and splits the events by source', () => {
    const model = validateCatalog(shop);
    expect(model.app).toBe('shop');
    expect(model.eventIdMeaning).toBe('an order');
    expect(model.namesBySource).toEqual({ memory: ['checkout_started', 'cart_viewed'], table: ['order_placed'] });
    expect(model.monitoring).toMatchObject({ job: 'quietcount', serverErrorRatio: 0.05, dropOffRatio: 0.5, retentionDays: undefined });
    expect(validateCatalog({ events: { a: entry }, monitoring: { retentionDays: 90 } }).monitoring.retentionDays).toBe(90);
    expect(validateCatalog({ events: { a: entry } }).app).toBe('quietcount');
  });

  it.each([
    ['a name that is not a safe label value', { 'Checkout Started': entry }, 'events."Checkout Started": the name must be a safe label value'],
    ['a reserved name', { __other__: entry }, 'events."__other__": the name must be a safe label value'],
    ['an unknown source', { a: { ...entry, source: 'disk' } }, 'events."a".source: required: one of memory, table'],
    ['a missing description', { a: { ...entry, description: undefined } }, 'events."a".description: required: a non-empty string'],
    ['an empty question', { a: { ...entry, question: ' ' } }, 'events."a".question: required: a non-empty string'],
    ['a missing owner', { a: { ...entry, owner: undefined } }, 'events."a".owner: required'],
    ['a date that does not exist', { a: { ...entry, added: '2026-02-30' } }, 'events."a".added: required: a real calendar day YYYY-MM-DD'],
    ['a bad expiry', { a: { ...entry, expires: 'soon' } }, 'events."a".expires: required: a real calendar day YYYY-MM-DD or "never"'],
    ['an expiry before the date added', { a: { ...entry, expires: '2026-01-01' } }, 'events."a".expires: must not be before added'],
    ['a misspelt field', { a: { ...entry, owners: 'x' } }, 'events."a".owners: unknown field'],
    ['a control character', { a: { ...entry, description: 'two\nlines' } }, 'events."a".description'],
  ])('refuses %s, naming the entry and the rule', (_, events, problem) => {
    expect(problemsOf({ events })).toEqual([expect.stringContaining(problem)]);
  });

  it('refuses a catalog without events, and bad monitoring settings', () => {
    expect(problemsOf({ events: {} })).toEqual([expect.stringContaining('events: required')]);
    expect(problemsOf(undefined)).toEqual([expect.stringContaining('the catalog must be an object')]);
    expect(problemsOf({ app: 'My Shop', events: { a: entry }, monitoring: { job: 'a b', dropOffRatio: 2, minResponsesPer5m: 0.5, retentionDays: 0 } })).toEqual([
      expect.stringContaining('app:'),
      expect.stringContaining('monitoring.job:'),
      expect.stringContaining('monitoring.dropOffRatio:'),
      expect.stringContaining('monitoring.minResponsesPer5m:'),
      expect.stringContaining('monitoring.retentionDays: a whole number of at least 1'),
    ]);
  });

  it('names every problem at once', () => {
    expect(problemsOf({ events: { a: { source: 'x' }, B: entry } })).toHaveLength(7);
  });
});

describe('expiry', () => {
  it('keeps an entry valid on its expiry day, and expires it the day after', () => {
    const model = validateCatalog(shop);
    expect(expiredEvents(model, '2027-06-30')).toEqual([]);
    expect(expiredEvents(model, '2027-07-01')).toEqual(['order_placed']);
  });
});

describe('createTelemetry', () => {
  it('refuses an invalid catalog before anything starts, naming the entry and the rule', () => {
    const invalid = { events: { checkout_started: { ...entry, owner: '' } } };
    expect(() => createTelemetry({ catalog: invalid as never, env: {} })).toThrow(
      /invalid quietcount catalog:\n {2}- events\."checkout_started"\.owner: required/,
    );
    expect(() => createTelemetry({} as never)).toThrow(CatalogError);
  });
});
