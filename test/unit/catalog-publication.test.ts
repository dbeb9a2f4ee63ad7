/**
 * What a catalog says about the public aggregates page: which events opt in with `publish: true` (none by default),
 * the page's title, threshold and rounding with their defaults, the rules that refuse a threshold below 5 or a
 * rounding base that makes no sense, and `/analytics/catalog` showing all of it.
 */
import { describe, expect, it } from 'vitest';
import { CatalogError, createTelemetry, defineCatalog, validateCatalog } from '../../src/index.ts';

const entry = {
  source: 'table',
  description: 'An order was placed.',
  question: 'How many orders a week?',
  owner: 'shop-team',
  added: '2026-12-01',
  expires: 'never',
} as const;

const shop = defineCatalog({
  app: 'shop',
  publication: { title: 'The shop in numbers', minCount: 20 },
  events: {
    order_placed: { ...entry, publish: true },
    cart_viewed: { ...entry, source: 'memory' },
    checkout_started: { ...entry, source: 'memory', publish: false },
    review_written: { ...entry, publish: true },
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

const withPublication = (publication: unknown): unknown => ({ events: { order_placed: entry }, publication });

describe('the publication of a catalog', () => {
  it('lists the events marked publish: true, in declaration order, and fills in the defaults', () => {
    expect(validateCatalog(shop).publication).toEqual({
      title: 'The shop in numbers',
      minCount: 20,
      rounding: 5,
      eventNames: ['order_placed', 'review_written'],
    });
    expect(validateCatalog({ events: { order_placed: entry } }).publication).toEqual({
      title: 'Usage in numbers',
      minCount: 10,
      rounding: 5,
      eventNames: [],
    });
    expect(validateCatalog({ app: 'shop', events: { order_placed: entry } }).publication.title).toBe('shop: usage in numbers');
  });

  it('accepts the lowest threshold, and rounding from 1 (none) to the threshold', () => {
    expect(validateCatalog(withPublication({ minCount: 5, rounding: 5 })).publication).toMatchObject({ minCount: 5, rounding: 5 });
    expect(validateCatalog(withPublication({ minCount: 5, rounding: 1 })).publication).toMatchObject({ rounding: 1 });
  });

  it.each([
    ['a threshold below 5', { minCount: 4 }, 'publication.minCount: a whole number from 5 to 1000000'],
    ['a threshold that is not a whole number', { minCount: 10.5 }, 'publication.minCount: a whole number from 5'],
    ['a threshold given as text', { minCount: '10' }, 'publication.minCount: a whole number from 5'],
    ['no rounding base', { rounding: 0 }, 'publication.rounding: a whole number from 1 (no rounding) to minCount (10)'],
    ['a rounding base above the threshold', { minCount: 6, rounding: 10 }, 'publication.rounding: a whole number from 1 (no rounding) to minCount (6)'],
    ['a negative rounding base', { rounding: -5 }, 'publication.rounding:'],
    ['an empty title', { title: ' ' }, 'publication.title: a non-empty string of at most 100 characters'],
    ['a misspelt field', { mincount: 10 }, 'publication.mincount: unknown field (allowed: title, minCount, rounding)'],
    ['settings that are not an object', 10, 'publication: an object { title, minCount, rounding }'],
  ])('refuses %s, naming the field and the rule', (_, publication, problem) => {
    expect(problemsOf(withPublication(publication))).toEqual([expect.stringContaining(problem)]);
  });

  it('refuses a publish mark that is not true or false, naming the entry', () => {
    expect(problemsOf({ events: { order_placed: { ...entry, publish: 'yes' } } })).toEqual(['events."order_placed".publish: true or false']);
  });
});

describe('/analytics/catalog', () => {
  it('says which events are published, and under which threshold and rounding', async () => {
    const telemetry = createTelemetry({ catalog: shop, env: { NODE_ENV: 'production' }, metrics: { port: 0 } });
    try {
      const address = await telemetry.startMetricsServer();
      const document = (await (await fetch(`${address.url}/analytics/catalog`)).json()) as {
        usageEvents: Record<string, Record<string, unknown>>;
        publication: unknown;
      };
      expect(Object.fromEntries(Object.entries(document.usageEvents).map(([name, event]) => [name, event.published]))).toEqual({
        order_placed: true,
        cart_viewed: false,
        checkout_started: false,
        review_written: true,
      });
      expect(document.usageEvents.order_placed).not.toHaveProperty('publish');
      expect(document.publication).toEqual({ title: 'The shop in numbers', minCount: 20, rounding: 5 });
    } finally {
      await telemetry.shutdown();
    }
  });
});
