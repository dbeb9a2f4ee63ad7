/**
 * The usage recorder: `analytics_events_total{event_name, event_id}` kept as buffered in-memory counts (the hot
 * path) or read from the app's append-only tables, and handed to OpenTelemetry observable counters at scrape.
 *
 * The hot path is one Map lookup by the caller's own id value: only ids already admitted (so already validated)
 * are keys, so a hit needs no validation. A miss validates, canonicalises, and admits the id while the per-event
 * bound allows; past it, increments go to `__other__`: counted, never a new series, no memory per id.
 */
import type { Logger } from 'pino';
import { isEventName, metrics, OTHER, usageEvents, type EventName } from '../catalog.ts';
import { canonicalEventId, isValidIncrement, type Guard } from './guard.ts';

/** One row of a table-derived counter: the cumulative count of one event id. */
export interface EventCount {
  readonly eventId: string | number;
  readonly count: number;
}

/**
 * `series` is the series' admission number, stable for the life of the process (`OVERFLOW_SERIES` for
 * `__other__`): the exporter shards by it, and a series must stay in one shard.
 */
export type ObserveEventCount = (eventName: EventName, eventId: string, count: number, series: number) => void;

export const OVERFLOW_SERIES = -1;

interface Cell {
  readonly eventId: string;
  readonly series: number;
  count: number;
}

/** The buffered counts of one in-memory event name. */
class MemoryCounter {
  /** Keyed by the caller's value: the canonical string, and a number alias for numeric ids (at most one each). */
  readonly byCallerId = new Map<unknown, Cell>();
  readonly cells: Cell[] = [];
  readonly other: Cell = { eventId: OTHER, series: OVERFLOW_SERIES, count: 0 };
}

/** The admitted ids of one table-derived event name, with their series numbers, in the table's row order. */
class TableCounter {
  readonly admitted = new Map<string, number>();
  readonly readCounts: () => Iterable<EventCount>;
  /** Last observed value per label, for the delta of `__other__` and for debug lines. */
  readonly lastSeen = new Map<string, number>();
  constructor(readCounts: () => Iterable<EventCount>) {
    this.readCounts = readCounts;
  }
}

export interface UsageRecorderOptions {
  readonly guard: Guard;
  readonly maxEventIds: number;
  /** False under opt-out: nothing is kept, nothing is observed. */
  readonly enabled: boolean;
  /** Set in debug mode: every increment becomes one JSON line. */
  readonly debugLog: Logger | undefined;
}

const METRIC = 'analytics_events_total';
const USAGE_LABELS: ReadonlySet<string> = new Set(metrics.analytics_events_total.labels);

export class UsageRecorder {
  private readonly guard: Guard;
  private readonly maxEventIds: number;
  private readonly enabled: boolean;
  private readonly debugLog: Logger | undefined;
  private readonly memory = new Map<unknown, MemoryCounter>();
  private readonly tables = new Map<EventName, TableCounter>();
  private admittedSeries = 0;

  constructor(options: UsageRecorderOptions) {
    this.guard = options.guard;
    this.maxEventIds = options.maxEventIds;
    this.enabled = options.enabled;
    this.debugLog = options.debugLog;
    for (const [eventName, definition] of Object.entries(usageEvents)) {
      if (definition.source === 'memory') this.memory.set(eventName, new MemoryCounter());
    }
  }

  record(eventName: unknown, eventId: unknown, increment: unknown = 1): void {
    if (!this.enabled) return;
    const counter = this.memory.get(eventName);
    if (counter === undefined) {
      this.guard.reject(isEventName(eventName) ? 'wrong_event_source' : 'unknown_event_name');
      return;
    }
    if (increment !== 1 && !isValidIncrement(increment)) {
      this.guard.reject('invalid_increment');
      return;
    }
    const cell = counter.byCallerId.get(eventId);
    if (cell === undefined) {
      this.admitAndRecord(eventName as EventName, counter, eventId, increment);
      return;
    }
    cell.count += increment;
    if (this.debugLog !== undefined) this.logIncrement(eventName as EventName, cell.eventId, increment);
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
    if (!isEventName(eventName)) {
      this.guard.reject('unknown_event_name');
      return;
    }
    if (usageEvents[eventName].source !== 'table') {
      this.guard.reject('wrong_event_source');
      return;
    }
    if (this.tables.has(eventName)) throw new Error(`observeTable: ${eventName} already has a table reader`);
    if (this.enabled) this.tables.set(eventName, new TableCounter(readCounts));
  }

  /** Hands every series to `observe`: called by the exporter at each scrape. */
  collect(observe: ObserveEventCount): void {
    for (const [eventName, counter] of this.memory) {
      for (const cell of counter.cells) observe(eventName as EventName, cell.eventId, cell.count, cell.series);
      if (counter.other.count > 0) observe(eventName as EventName, OTHER, counter.other.count, OVERFLOW_SERIES);
    }
    for (const [eventName, table] of this.tables) this.collectTable(eventName, table, observe);
  }

  private admitAndRecord(eventName: EventName, counter: MemoryCounter, eventId: unknown, increment: number): void {
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

  private collectTable(eventName: EventName, table: TableCounter, observe: ObserveEventCount): void {
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

  private logIncrement(eventName: EventName, eventId: string, delta: number): void {
    this.debugLog?.debug({ metric: METRIC, labels: { event_name: eventName, event_id: eventId }, delta }, 'recorded');
  }
}
