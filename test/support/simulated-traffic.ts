/**
 * Simulated app traffic as Prometheus would have scraped it: events happen at known times on app instances, each
 * instance is scraped every minute, processes restart (in-memory counters start again from 0, table-derived ones
 * keep their value; each instance has its own table here), scrapes are missed. The result is what Prometheus stored (samples, OpenMetrics text for
 * `promtool` backfill) and, independently of any counter arithmetic, how many events each day should count.
 */
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

export interface EventStream {
  readonly eventName: string;
  /** As the app's catalog declares it: a `memory` count starts again from 0 when its process restarts. */
  readonly source: 'memory' | 'table';
  readonly eventId: string;
  /** Chance that a minute has events of this stream, and at most how many it then has. */
  readonly chancePerMinute: number;
  readonly burst: number;
}

export interface SimulatedInstance {
  readonly instance: string;
  /** Scrapes happen at `start + k minutes + offset`. */
  readonly scrapeOffsetMs: number;
  /**
   * The app stops at `atMs` and is back `downMs` later; scrapes meanwhile fail. Events since the last scrape before
   * the stop would die with the process unseen, so the simulation does not send them.
   */
  readonly restarts: readonly { readonly atMs: number; readonly downMs: number }[];
  /** Scrapes that fail although the app runs (network, Prometheus down): `[fromMs, toMs)`. */
  readonly missedScrapes: readonly { readonly fromMs: number; readonly toMs: number }[];
}

export interface Simulation {
  readonly seed: number;
  readonly startMs: number;
  /** No event in the last two minutes, so the last scrapes see every event. */
  readonly endMs: number;
  readonly streams: readonly EventStream[];
  readonly instances: readonly SimulatedInstance[];
}

export interface ScrapedSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly timestampMs: number;
  readonly value: number;
}

export interface SimulatedTraffic {
  /** Time-ordered. */
  readonly samples: readonly ScrapedSample[];
  readonly openMetrics: string;
  /** `event_name|event_id|YYYY-MM-DD` → events, on the UTC day of the first scrape that saw them (the report's rule). */
  readonly expected: ReadonlyMap<string, number>;
  /** The same events on their own UTC day. */
  readonly sentByEventDay: ReadonlyMap<string, number>;
  readonly sent: number;
  /** Events no scrape saw: a broken simulation. */
  readonly unobserved: number;
  /** Restarts whose first value was not below the last one before: no reader of the counter can tell. */
  readonly undetectableResets: number;
}

export const JOB = 'quietcount';
const SCRAPE_INTERVAL_MS = MINUTE_MS;

export const cellKey = (eventName: string, eventId: string, day: string): string => `${eventName}|${eventId}|${day}`;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** mulberry32: a small seeded PRNG, so a fixture is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function add(map: Map<string, number>, key: string, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

interface SeriesState {
  readonly stream: EventStream;
  value: number;
  /** Exported: memory counters only once counted by the running process, table counters once ever counted. */
  exported: boolean;
  /** Events counted since the last scrape. */
  unscraped: number;
  lastScrapedValue: number | undefined;
  restartedSinceScrape: boolean;
}

export function simulateTraffic(simulation: Simulation): SimulatedTraffic {
  const rng = random(simulation.seed);
  const samples: ScrapedSample[] = [];
  const expected = new Map<string, number>();
  const sentByEventDay = new Map<string, number>();
  let sent = 0;
  let undetectableResets = 0;
  const lastEventMs = simulation.endMs - 2 * SCRAPE_INTERVAL_MS;

  for (const instance of simulation.instances) {
    const labelsOf = (stream: EventStream): Record<string, string> => ({
      event_id: stream.eventId,
      event_name: stream.eventName,
      instance: instance.instance,
      job: JOB,
    });
    const series: SeriesState[] = simulation.streams.map((stream) => ({
      stream,
      value: 0,
      exported: false,
      unscraped: 0,
      lastScrapedValue: undefined,
      restartedSinceScrape: false,
    }));
    const pendingRestarts = [...instance.restarts].sort((a, b) => a.atMs - b.atMs);
    const lastScrapeBefore = (ms: number): number =>
      simulation.startMs + instance.scrapeOffsetMs + Math.floor((ms - 1 - simulation.startMs - instance.scrapeOffsetMs) / SCRAPE_INTERVAL_MS) * SCRAPE_INTERVAL_MS;
    const isUnsent = (eventMs: number): boolean =>
      instance.restarts.some(({ atMs, downMs }) => eventMs > lastScrapeBefore(atMs) && eventMs < atMs + downMs);
    const isDown = (ms: number): boolean => instance.restarts.some(({ atMs, downMs }) => ms >= atMs && ms < atMs + downMs);
    const isMissed = (ms: number): boolean => instance.missedScrapes.some(({ fromMs, toMs }) => ms >= fromMs && ms < toMs);

    for (let minute = simulation.startMs; minute < simulation.endMs; minute += SCRAPE_INTERVAL_MS) {
      const scrapeMs = minute + instance.scrapeOffsetMs;
      while (pendingRestarts[0] !== undefined && pendingRestarts[0].atMs <= scrapeMs) {
        pendingRestarts.shift();
        for (const state of series) {
          if (state.stream.source !== 'memory') continue;
          // What the process counted since its last successful scrape dies with it (scrapes missed just before a
          // restart included): never exported, so never expected.
          state.unscraped = 0;
          state.value = 0;
          state.exported = false;
          state.restartedSinceScrape = true;
        }
      }
      // The events this scrape can see first: those of the minute before it.
      for (const state of series) {
        if (rng() >= state.stream.chancePerMinute) continue;
        const count = 1 + Math.floor(rng() * state.stream.burst);
        for (let i = 0; i < count; i++) {
          const eventMs = scrapeMs - SCRAPE_INTERVAL_MS + 1 + Math.floor(rng() * SCRAPE_INTERVAL_MS);
          if (eventMs < simulation.startMs || eventMs > lastEventMs || isUnsent(eventMs)) continue;
          state.value += 1;
          state.exported = true;
          state.unscraped += 1;
          add(sentByEventDay, cellKey(state.stream.eventName, state.stream.eventId, isoDay(eventMs)), 1);
          sent += 1;
        }
      }
      if (scrapeMs >= simulation.endMs || isDown(scrapeMs) || isMissed(scrapeMs)) continue;
      for (const state of series) {
        if (!state.exported) continue;
        if (state.restartedSinceScrape && state.lastScrapedValue !== undefined && state.value >= state.lastScrapedValue) {
          undetectableResets += 1;
        }
        state.restartedSinceScrape = false;
        state.lastScrapedValue = state.value;
        samples.push({ labels: labelsOf(state.stream), timestampMs: scrapeMs, value: state.value });
        if (state.unscraped > 0) {
          add(expected, cellKey(state.stream.eventName, state.stream.eventId, isoDay(scrapeMs)), state.unscraped);
          state.unscraped = 0;
        }
      }
    }
  }
  samples.sort((a, b) => a.timestampMs - b.timestampMs);
  const observed = [...expected.values()].reduce((sum, count) => sum + count, 0);
  return { samples, openMetrics: openMetrics(samples), expected, sentByEventDay, sent, unobserved: sent - observed, undetectableResets };
}

function openMetrics(samples: readonly ScrapedSample[]): string {
  const lines = samples.map(({ labels, timestampMs, value }) => {
    const labelText = Object.entries(labels)
      .map(([name, labelValue]) => `${name}="${labelValue}"`)
      .join(',');
    return `analytics_events_total{${labelText}} ${value} ${(timestampMs / 1000).toFixed(3)}`;
  });
  return `${lines.join('\n')}\n# EOF\n`;
}
