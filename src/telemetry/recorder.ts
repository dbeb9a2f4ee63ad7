/**
 * The usage recorder: `analytics_events_total{event_name, event_id}` kept as buffered in-memory counts (the hot
 * path) or read from the app's append-only tables, and handed to OpenTelemetry observable counters at scrape.
 *
 * The hot path is one Map lookup by the caller's own id value: only ids already admitted (so already validated)
 * are keys, so a hit needs no validation. A miss validates, canonicalises, and admits the id while the per-event
 * bound allows; past it, increments go to `__other__`: counted, never a new series, no memory per id.
 */
import type { Logger } from 'pino';
import { expiredEvents } from '../catalog/expiry.ts';
import type { CatalogModel } from '../catalog/model.ts';
import { canonicalEventId } from '../common/event-id.ts';
import { todayUtc } from '../common/utc-days.ts';
import { OTHER } from '../schema/bounds.ts';
import { metricFamilies } from '../schema/metrics.ts';
import { isValidIncrement, type Guard } from './guard.ts';

/** One row of a table-derived counter: the cumulative count of one event id. */
export interface EventCount {
  readonly eventId: string | number;
  readonly count: number;
}

/**
 * `series` is the series' admission number, stable for the life of the process (`OVERFLOW_SERIES` for
 * `__other__`): the exporter shards by it, and a series must stay in one shard.
 */
export type ObserveEventCount = (eventName: string, eventId: string, count: number, series: number) => void;

export const OVERFLOW_SERIES = -1;

interface Cell {
  readonly eventId: string;
  readonly series: number;
  count: number;
}

/** The buffered counts of one in-memory event name. */
class MemoryCounter {
  /** Set once the catalog entry has passed its expiry day: increments are then refused as `expired_event`. */
  expired = false;
  /** Keyed by the caller's value: the canonical string, and a number alias for numeric ids (at most one each). */
  readonly byCallerId = new Map<unknown, Cell>();
  readonly cells: Cell[] = [];
  readonly other: Cell = { eventId: OTHER, series: OVERFLOW_SERIES, count: 0 };
}

/** The admitted ids of one table-derived event name, with their series numbers, in the table's row order. */
class TableCounter {
  expired = false;
  /** The counts at expiry, exported unchanged from then on. */
  frozen: Map<string, number> | undefined;
  readonly admitted = new Map<string, number>();
  readonly readCounts: () => Iterable<EventCount>;
  /** Last observed value per label, for the delta of `__other__` and for debug lines. */
  readonly lastSeen = new Map<string, number>();
  constructor(readCounts: () => Iterable<EventCount>) {
    this.readCounts = readCounts;
  }
}

export interface UsageRecorderOptions {
  readonly catalog: CatalogModel;
  readonly guard: Guard;
  readonly maxEventIds: number;
  /** False under opt-out: nothing is kept, nothing is observed. */
  readonly enabled: boolean;
  /** Set in debug mode: every increment becomes one JSON line. */
  readonly debugLog: Logger | undefined;
}

const METRIC = 'analytics_events_total';
const USAGE_LABELS: ReadonlySet<string> = new Set(metricFamilies.analytics_events_total.labels);

export class UsageRecorder {
  private readonly catalog: CatalogModel;
  private readonly guard: Guard;
  private readonly maxEventIds: number;
  private readonly enabled: boolean;
  private readonly debugLog: Logger | undefined;
  private readonly memory = new Map<unknown, MemoryCounter>();
  private readonly tables = new Map<string, TableCounter>();
  private readonly expired = new Set<string>();
  private expiryCheckedOn = '';
  private admittedSeries = 0;

  constructor(options: UsageRecorderOptions) {
    this.catalog = options.catalog;
    this.guard = options.guard;
    this.maxEventIds = options.maxEventIds;
    this.enabled = options.enabled;
    this.debugLog = options.debugLog;
    for (const eventName of options.catalog.namesBySource.memory) this.memory.set(eventName, new MemoryCounter());
    this.checkExpiry();
  }

  /** Event names whose catalog entry has expired: no longer recorded. */
  expiredEvents(): ReadonlySet<string> {
    return this.expired;
  }

  /** Re-evaluated at most once per UTC day, from collect(): a long-running process crosses expiry dates too. */
  private checkExpiry(today: string = todayUtc()): void {
    if (today === this.expiryCheckedOn) return;
    this.expiryCheckedOn = today;
    for (const eventName of expiredEvents(this.catalog, today)) {
      this.expired.add(eventName);
      const counter = this.memory.get(eventName) ?? this.tables.get(eventName);
      if (counter !== undefined) counter.expired = true;
    }
  }

  private isDeclared(eventName: unknown): eventName is string {
    return typeof eventName === 'string' && this.catalog.events.has(eventName);
  }

  record(eventName: unknown, eventId: unknown, increment: unknown = 1): void {
    if (!this.enabled) return;
    const counter = this.memory.get(eventName);
    if (counter === undefined) {
      this.guard.reject(this.isDeclared(eventName) ? 'wrong_event_source' : 'unknown_event_name');
      return;
    }
    if (counter.expired) {
      // Never thrown, even in strict mode: an expiry date passing must not take an app down.
      this.guard.count('expired_event');
      return;
    }
    if (increment !== 1 && !isValidIncrement(increment)) {
      this.guard.reject('invalid_increment');
      return;
    }
    const cell = counter.byCallerId.get(eventId);
    if (cell === undefined) {
      this.admitAndRecord(eventName as string, counter, eventId, increment);
      return;
    }
    cell.count += increment;
    if (this.debugLog !== undefined) this.logIncrement(eventName as string, cell.eventId, increment);
  }

  /** The labels-object form (as OTel's `counter.add(n, attributes)` takes): any other label key is refused. */
  recordLabels(labels: unknown, increment: unknown = 1): void {
    if (!this.enabled) return;
    if (typeof labels !== 'object' || labels === null || Object.keys(labels).some((key) => !USAGE_LABELS.has(key))) {
      this.guard.reject('unknown_label');
      return;
    }
    const { event_name: eventName, event_id: eventId } = labels as Record<string, unknown>;
    this.record(eventName, eventId, increment);
  }

  observeTable(eventName: unknown, readCounts: () => Iterable<EventCount>): void {
    if (!this.isDeclared(eventName)) {
      this.guard.reject('unknown_event_name');
      return;
    }
    if (this.catalog.events.get(eventName)?.source !== 'table') {
      this.guard.reject('wrong_event_source');
      return;
    }
    if (this.tables.has(eventName)) throw new Error(`observeTable: ${eventName} already has a table reader`);
    if (!this.enabled) return;
    const table = new TableCounter(readCounts);
    table.expired = this.expired.has(eventName);
    this.tables.set(eventName, table);
  }

  /** Hands every series to `observe`: called by the exporter at each scrape. */
  collect(observe: ObserveEventCount): void {
    this.checkExpiry();
    for (const [eventName, counter] of this.memory) {
      for (const cell of counter.cells) observe(eventName as string, cell.eventId, cell.count, cell.series);
      if (counter.other.count > 0) observe(eventName as string, OTHER, counter.other.count, OVERFLOW_SERIES);
    }
    for (const [eventName, table] of this.tables) this.collectTable(eventName, table, observe);
  }

  private admitAndRecord(eventName: string, counter: MemoryCounter, eventId: unknown, increment: number): void {
    const canonical = canonicalEventId(eventId);
    if (canonical === undefined) {
      this.guard.reject('invalid_event_id');
      return;
    }
    let cell = counter.byCallerId.get(canonical);
    if (cell === undefined) {
      if (counter.cells.length >= this.maxEventIds) {
        counter.other.count += increment;
        this.guard.count('cardinality_overflow', increment);
        if (this.debugLog !== undefined) this.logIncrement(eventName, OTHER, increment);
        return;
      }
      cell = { eventId: canonical, series: this.admittedSeries++, count: 0 };
      counter.cells.push(cell);
      counter.byCallerId.set(canonical, cell);
    }
    // A number is the only non-canonical form worth a key: one per id, so memory stays bounded. Other forms
    // (an upper-case UUID) keep taking this path, which is correct, only slower.
    if (typeof eventId === 'number') counter.byCallerId.set(eventId, cell);
    cell.count += increment;
    if (this.debugLog !== undefined) this.logIncrement(eventName, canonical, increment);
  }

  private collectTable(eventName: string, table: TableCounter, observe: ObserveEventCount): void {
    const totals = new Map<string, number>();
    let other = 0;
    for (const row of table.readCounts()) {
      const eventId = canonicalEventId(row.eventId);
      if (eventId === undefined) {
        this.guard.count('invalid_event_id');
        continue;
      }
      if (!Number.isSafeInteger(row.count) || row.count < 0) {
        this.guard.count('invalid_increment');
        continue;
      }
      if (!table.admitted.has(eventId)) {
        if (table.admitted.size >= this.maxEventIds) {
          other += row.count;
          continue;
        }
        table.admitted.set(eventId, this.admittedSeries++);
      }
      totals.set(eventId, (totals.get(eventId) ?? 0) + row.count);
    }
    if (other > 0) totals.set(OTHER, other);

    if (table.expired) {
      this.freezeExpiredTable(eventName, table, totals, observe);
      return;
    }
    const previousOther = table.lastSeen.get(OTHER) ?? 0;
    if (other > previousOther) this.guard.count('cardinality_overflow', other - previousOther);
    for (const [eventId, count] of totals) {
      if (count === 0) continue;
      observe(eventName, eventId, count, table.admitted.get(eventId) ?? OVERFLOW_SERIES);
      const delta = count - (table.lastSeen.get(eventId) ?? 0);
      if (this.debugLog !== undefined && delta > 0) this.logIncrement(eventName, eventId, delta);
      table.lastSeen.set(eventId, count);
    }
  }

  /** An expired table counter keeps exporting what it had counted at expiry; what the table gains since is refused. */
  private freezeExpiredTable(eventName: string, table: TableCounter, totals: ReadonlyMap<string, number>, observe: ObserveEventCount): void {
    table.frozen ??= new Map(table.lastSeen);
    let refused = 0;
    for (const [eventId, count] of totals) {
      const seen = table.lastSeen.get(eventId) ?? 0;
      if (count > seen) {
        refused += count - seen;
        table.lastSeen.set(eventId, count);
      }
    }
    if (refused > 0) this.guard.count('expired_event', refused);
    for (const [eventId, count] of table.frozen) {
      if (count > 0) observe(eventName, eventId, count, table.admitted.get(eventId) ?? OVERFLOW_SERIES);
    }
  }

  private logIncrement(eventName: string, eventId: string, delta: number): void {
    this.debugLog?.debug({ metric: METRIC, labels: { event_name: eventName, event_id: eventId }, delta }, 'recorded');
  }
}
