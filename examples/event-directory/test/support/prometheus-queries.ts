/**
 * Reading a real Prometheus in tests: query results as plain maps, scrape targets, bounded polls, and traffic sent
 * between two scrapes of a target, so that a test knows exactly what each scrape saw.
 */
import { seriesKey } from './app.ts';
import type { PrometheusServer, QueryData } from '../../../../test/support/prometheus.ts';

const POLL_INTERVAL_MS = 250;
/** Two 15s scrape intervals and some slack: any target is scraped within this. */
export const SCRAPE_WAIT_MS = 35_000;

interface VectorElement {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

export function vectorElements(data: QueryData): VectorElement[] {
  if (data.resultType !== 'vector') throw new Error(`expected a vector, got a ${data.resultType}`);
  return data.result as VectorElement[];
}

/** The results of a query as `seriesKey(name, labels)` → value, `name` standing for the one an aggregation drops. */
export async function seriesValues(prometheus: PrometheusServer, expr: string, name: string): Promise<Map<string, number>> {
  const elements = vectorElements(await prometheus.query(expr));
  return new Map(elements.map(({ metric, value }) => [seriesKey(name, metric), Number(value[1])]));
}

/** The results of a query as the value of one label → value (`up` by instance, a ratio by endpoint). */
export async function valuesByLabel(prometheus: PrometheusServer, expr: string, label: string): Promise<Map<string, number>> {
  const elements = vectorElements(await prometheus.query(expr));
  return new Map(elements.map(({ metric, value }) => [metric[label] ?? '', Number(value[1])]));
}

/**
 * Reads until `isDone` holds or `timeoutMs` passes, and returns the last value read either way: the caller asserts
 * on it, so a timeout fails with the assertion's diff rather than a bare "timed out".
 */
export async function pollUntil<T>(read: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (isDone(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

export function sameEntries(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.get(key) === value);
}

export interface ActiveTarget {
  readonly labels: Record<string, string>;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
  /** Start of the last scrape, ms. */
  readonly lastScrapeMs: number;
}

interface TargetsData {
  readonly activeTargets: (Omit<ActiveTarget, 'lastScrapeMs'> & { readonly lastScrape: string })[];
}

/** `undefined` until service discovery has handed the target to the scrape manager (just after a start). */
export async function activeTarget(prometheus: PrometheusServer, instance: string): Promise<ActiveTarget | undefined> {
  const { activeTargets } = (await prometheus.get('/api/v1/targets?state=active')) as TargetsData;
  const target = activeTargets.find(({ labels }) => labels.instance === instance);
  if (target === undefined) return undefined;
  return { labels: target.labels, health: target.health, lastError: target.lastError, lastScrapeMs: Date.parse(target.lastScrape) };
}

/**
 * Waits for a scrape of `instance` that starts after this call, then runs `send` at once: a scrape reports once
 * it has read the app, so `send` lands after it and ends long before the next one, 15 s later. Throws if a scrape
 * started while `send` ran after all. Returns the start of the scrape before `send`.
 */
export async function sendBetweenScrapes(prometheus: PrometheusServer, instance: string, send: () => Promise<void>): Promise<number> {
  const calledAt = Date.now();
  const lastScrape = async (): Promise<number> => (await activeTarget(prometheus, instance))?.lastScrapeMs ?? 0;
  const scrapedAt = await pollUntil(lastScrape, (ms) => ms > calledAt, SCRAPE_WAIT_MS);
  if (scrapedAt <= calledAt) throw new Error(`${instance} was not scraped within ${String(SCRAPE_WAIT_MS)} ms`);
  await send();
  if ((await lastScrape()) !== scrapedAt) throw new Error(`a scrape of ${instance} started while traffic was being sent`);
  return scrapedAt;
}
