/**
 * The usage recorder: `analytics_events_total{event_name, event_id}` kept as buffered in-memory counts (the hot
 * path) or read from the app's append-only tables, as series the exporter reads at scrape.
 *
 * The hot path is one Map lookup by the caller's own id value: only ids already admitted (so already validated)
 * are keys, so a hit needs no validation and increments the series in place. A miss validates, canonicalises, and
 * admits the id while the per-event bound allows; past it, increments go to `__other__`: counted, never a new
 * series, no memory per id.
 */
import { expiredEvents } from '../catalog/expiry.ts';
import type { CatalogModel } from '../catalog/model.ts';
import { canonicalEventId } from '../common/event-id.ts';
import { todayUtc } from '../catalog/days.ts';
import { OTHER } from '../schema/bounds.ts';
import { metricFamilies } from '../schema/metrics.ts';
import { ExportedSeries, Phase } from './exposition/series.ts';
import { isValidIncrement, type Guard } from './guard.ts';
import type { Logger } from './logger.ts';
import type { Slicer } from './exposition/slicer.ts';

/** One row of a table-derived counter: the cumulative count of one event id. */
export interface EventCount {
  readonly eventId: string | number;
  readonly count: number;
}

/**
 * One usage series. In a process that hands its counts over (cluster/handover.ts), `count` is what it has not handed
 * over yet.
 */
export class UsageSeries extends ExportedSeries {
  readonly eventName: string;
  readonly eventId: string;
  /** For table series: the read that last saw the id, and the total of its rows in that read. */
  readNumber = 0;
  readTotal = 0;
  constructor(eventName: string, eventId: string, live = false) {
    super({ event_name: eventName, event_id: eventId }, live);
    this.eventName = eventName;
    this.eventId = eventId;
  }
}

/** The buffered counts of one in-memory event name. */
class MemoryCounter {
  /** Set once the catalog entry has passed its expiry day: increments are then refused as `expired_event`. */
  expired = false;
  /** Keyed by the caller's value: the canonical string, and a number alias for numeric ids (at most one each). */
  readonly byCallerId = new Map<unknown, UsageSeries>();
  readonly cells: UsageSeries[] = [];
  readonly other: UsageSeries;
  /**
   * In a process that hands its counts over: the ids the receiving process gave a series, once it told that its
   * bound is reached (every other id goes to `__other__` there, for good); undefined while it still has room.
   */
  admittedByReceiver: ReadonlySet<string> | undefined;
  constructor(eventName: string) {
    this.other = new UsageSeries(eventName, OTHER);
  }
}

/** The series of one table-derived event name, in the table's row order. */
class TableCounter {
  expired = false;
  readonly byId = new Map<string, UsageSeries>();
  /** Keyed by the row's own id value as the reader returns it (number or text): a hit needs no validation. */
  readonly byRowId = new Map<unknown, UsageSeries>();
  reads = 0;
  /** For an expired table: the totals of the previous read, to count what it gained since. */
  lastRead = new Map<string, number>();
  readonly other: UsageSeries;
  readonly readCounts: () => Iterable<EventCount>;
  constructor(eventName: string, readCounts: () => Iterable<EventCount>) {
    this.other = new UsageSeries(eventName, OTHER);
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
  /**
   * Set in a process that hands its counts over to another (a cluster worker, an instance that does not serve
   * /metrics): the receiver decides which ids get a series, so this one keeps every id it has not heard about and
   * calls `onBoundFilled` when it holds as many as the bound, so that they are handed over early.
   */
  readonly handingOver?: { readonly onBoundFilled: () => void };
  /** False in an instance whose tables are read by another (the one serving /metrics); default true. */
  readonly readsTables?: boolean;
}

/**
 * A process that hands its counts over keeps at most this many times the bound of ids per event name whose fate the
 * receiver has not told it; it hands them over as soon as it holds the bound, so this is reached only when more
 * new ids arrive than that within one round trip to the receiver. Past it (the last resort that keeps memory
 * bounded), an id goes to `__other__` here.
 */
export const UNDECIDED_HEADROOM = 4;

const METRIC = 'analytics_events_total';
const USAGE_LABELS: ReadonlySet<string> = new Set(metricFamilies.analytics_events_total.labels);

export class UsageRecorder {
  private readonly catalog: CatalogModel;
  private readonly guard: Guard;
  private readonly maxEventIds: number;
  private readonly enabled: boolean;
  private readonly debugLog: Logger | undefined;
  private handingOver: { readonly onBoundFilled: () => void } | undefined;
  private readsTables: boolean;
  private readonly memory = new Map<unknown, MemoryCounter>();
  private readonly tables = new Map<string, TableCounter>();
  private readonly expired = new Set<string>();
  private expiryCheckedOn = '';

  constructor(options: UsageRecorderOptions) {
    this.catalog = options.catalog;
    this.guard = options.guard;
    this.maxEventIds = options.maxEventIds;
    this.enabled = options.enabled;
    this.debugLog = options.debugLog;
    this.handingOver = options.handingOver;
    this.readsTables = options.readsTables ?? true;
    for (const eventName of options.catalog.namesBySource.memory) this.memory.set(eventName, new MemoryCounter(eventName));
    this.checkExpiry();
  }

  /** Event names whose catalog entry has expired: no longer recorded. */
  expiredEvents(): ReadonlySet<string> {
    return this.expired;
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
    const series = counter.byCallerId.get(eventId);
    if (series === undefined) {
      this.admitAndRecord(counter, eventId, increment);
      return;
    }
    series.count += increment;
    if (this.debugLog !== undefined) this.logIncrement(series, increment);
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

  /**
   * Registers a table reader. It is read once here (or, in an instance whose tables another one reads, when it comes
   * to serve /metrics): what the table holds then is history and is exported as it is; event ids that appear later
   * start at 0 like any new series.
   */
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
    const table = new TableCounter(eventName, readCounts);
    table.expired = this.expired.has(eventName);
    this.tables.set(eventName, table);
    if (this.readsTables) void this.readTable(table, true);
  }

  /**
   * Adds counts another process handed over, bounded here as in one process: the bound holds for the sum over
   * processes. The values were checked in the sender and are checked again, since nothing unchecked may become a label.
   */
  merge(eventName: string, eventId: string, count: number): void {
    if (!this.enabled) return;
    const counter = this.memory.get(eventName);
    if (counter === undefined || !isValidIncrement(count)) {
      this.guard.count(counter === undefined ? 'unknown_event_name' : 'invalid_increment');
      return;
    }
    if (eventId === OTHER) {
      // Already counted as overflow in the worker.
      counter.other.count += count;
      return;
    }
    const known = counter.byCallerId.get(eventId);
    if (known !== undefined) {
      known.count += count;
      return;
    }
    this.admitAndRecord(counter, eventId, count, false);
  }

  /**
   * In a process that hands its counts over, after a handover: forgets the series whose counts are all handed over,
   * so that it holds only what it counted since.
   */
  forgetEmpty(): void {
    for (const counter of this.memory.values()) {
      if (!counter.cells.some((cell) => cell.count === 0)) continue;
      for (const [key, cell] of counter.byCallerId) if (cell.count === 0) counter.byCallerId.delete(key);
      counter.cells.splice(0, counter.cells.length, ...counter.cells.filter((cell) => cell.count > 0));
    }
  }

  /** The receiver's bound for `eventName` is reached, and these are the ids it gave a series: decide locally now. */
  learnAdmitted(eventName: string, eventIds: readonly string[]): void {
    const counter = this.memory.get(eventName);
    if (counter !== undefined) counter.admittedByReceiver = new Set(eventIds);
  }

  /** A new receiver (the serving instance changed) has decided nothing yet. */
  forgetAdmitted(): void {
    for (const counter of this.memory.values()) counter.admittedByReceiver = undefined;
  }

  /** In-memory event names whose bound is reached here: what senders are told, with `admittedIds`. */
  fullEventNames(): string[] {
    const full: string[] = [];
    for (const [eventName, counter] of this.memory) if (counter.cells.length >= this.maxEventIds) full.push(String(eventName));
    return full;
  }

  /** The ids that have a series of `eventName` here. */
  admittedIds(eventName: string): string[] {
    return this.memory.get(eventName)?.cells.map((cell) => cell.eventId) ?? [];
  }

  /**
   * This process now serves /metrics itself (an instance that took over): it decides which ids get a series, as one
   * process does, and reads the tables. Ids it kept beyond the bound while handing over go to `__other__` now.
   */
  serveOwnCounts(): void {
    if (this.handingOver === undefined && this.readsTables) return;
    this.handingOver = undefined;
    for (const counter of this.memory.values()) {
      counter.admittedByReceiver = undefined;
      for (const cell of counter.cells.splice(this.maxEventIds)) {
        for (const [key, kept] of counter.byCallerId) if (kept === cell) counter.byCallerId.delete(key);
        counter.other.count += cell.count;
        this.guard.count('cardinality_overflow', cell.count);
      }
    }
    this.readsTables = true;
    for (const table of this.tables.values()) if (table.reads === 0) void this.readTable(table, true);
  }

  /**
   * Reads every table counter, in slices: called by the exporter before each collection. The reader itself runs
   * at once; its rows are taken in slices.
   */
  async readTables(slicer: Slicer): Promise<void> {
    this.checkExpiry();
    if (!this.readsTables) return;
    for (const table of this.tables.values()) await this.readTable(table, table.reads === 0, slicer);
  }

  /** Every usage series (memory and table): what the exporter exports. `__other__` appears once it counted something. */
  series(): UsageSeries[] {
    const all: UsageSeries[] = [];
    for (const counter of this.memory.values()) {
      for (const cell of counter.cells) all.push(cell);
      if (counter.other.count > 0) all.push(counter.other);
    }
    for (const table of this.tables.values()) {
      for (const series of table.byId.values()) all.push(series);
      if (table.other.count > 0) all.push(table.other);
    }
    return all;
  }

  /** The in-memory series only: what a process hands over (its tables are read by the one serving /metrics). */
  memorySeries(): UsageSeries[] {
    const all: UsageSeries[] = [];
    for (const counter of this.memory.values()) {
      for (const cell of counter.cells) all.push(cell);
      all.push(counter.other);
    }
    return all;
  }

  private isDeclared(eventName: unknown): eventName is string {
    return typeof eventName === 'string' && this.catalog.events.has(eventName);
  }

  /** Re-evaluated at most once per UTC day: a long-running process crosses expiry dates too. */
  private checkExpiry(today: string = todayUtc()): void {
    if (today === this.expiryCheckedOn) return;
    this.expiryCheckedOn = today;
    for (const eventName of expiredEvents(this.catalog, today)) {
      this.expired.add(eventName);
      const counter = this.memory.get(eventName) ?? this.tables.get(eventName);
      if (counter !== undefined) counter.expired = true;
    }
  }

  private admitAndRecord(counter: MemoryCounter, eventId: unknown, increment: number, strict = true): void {
    const canonical = canonicalEventId(eventId);
    if (canonical === undefined) {
      if (strict) this.guard.reject('invalid_event_id');
      else this.guard.count('invalid_event_id');
      return;
    }
    let series = counter.byCallerId.get(canonical);
    if (series === undefined) {
      if (!this.admits(counter, canonical)) {
        counter.other.count += increment;
        this.guard.count('cardinality_overflow', increment);
        if (this.debugLog !== undefined) this.logIncrement(counter.other, increment);
        return;
      }
      series = new UsageSeries(counter.other.eventName, canonical);
      counter.cells.push(series);
      counter.byCallerId.set(canonical, series);
    }
    // A number is the only non-canonical form worth a key: one per id, so memory stays bounded. Other forms
    // (an upper-case UUID) keep taking this path, which is correct, only slower.
    if (typeof eventId === 'number') counter.byCallerId.set(eventId, series);
    series.count += increment;
    if (this.debugLog !== undefined) this.logIncrement(series, increment);
  }

  /** Whether an id not seen before gets a series of its own here. */
  private admits(counter: MemoryCounter, eventId: string): boolean {
    const handingOver = this.handingOver;
    if (handingOver === undefined) return counter.cells.length < this.maxEventIds;
    // The receiver's bound is reached: its choice is final, so the same choice here is exact.
    if (counter.admittedByReceiver !== undefined) return counter.admittedByReceiver.has(eventId);
    if (counter.cells.length >= this.maxEventIds * UNDECIDED_HEADROOM) return false;
    if (counter.cells.length + 1 >= this.maxEventIds) handingOver.onBoundFilled();
    return true;
  }

  /**
   * `history`: the read at registration, whose rows predate this process and are exported as they are. Without a
   * slicer it runs to its end synchronously (registration); an expired table's rows are only counted as refused.
   */
  private async readTable(table: TableCounter, history: boolean, slicer?: Slicer): Promise<void> {
    const read = ++table.reads;
    const seen: UsageSeries[] = [];
    let other = 0;
    for (const row of table.readCounts()) {
      if (slicer?.due() === true) await slicer.pause();
      if (!Number.isSafeInteger(row.count) || row.count < 0) {
        this.guard.count('invalid_increment');
        continue;
      }
      const series = table.byRowId.get(row.eventId) ?? this.admitTableRow(table, row.eventId, history);
      if (series === undefined) continue;
      if (series === table.other) {
        other += row.count;
        continue;
      }
      if (series.readNumber !== read) {
        series.readNumber = read;
        series.readTotal = 0;
        seen.push(series);
      }
      series.readTotal += row.count;
    }
    if (table.expired) {
      this.refuseExpiredRows(table, seen, other);
      return;
    }
    for (const series of seen) this.setTableCount(series, series.readTotal, history);
    if (other > table.other.count) this.guard.count('cardinality_overflow', other - table.other.count);
    if (history && other > 0) table.other.phase = Phase.Live;
    this.setTableCount(table.other, other, history);
  }

  /**
   * The series of a row id not seen before: validated and canonicalised, admitted while the bound allows, else
   * `__other__`; `undefined` (counted as refused) when it is no event id. Only ids of admitted series are keys.
   */
  private admitTableRow(table: TableCounter, rowId: unknown, history: boolean): UsageSeries | undefined {
    const eventId = canonicalEventId(rowId);
    if (eventId === undefined) {
      this.guard.count('invalid_event_id');
      return undefined;
    }
    let series = table.byId.get(eventId);
    if (series === undefined) {
      if (table.byId.size >= this.maxEventIds) return table.other;
      series = new UsageSeries(table.other.eventName, eventId, history);
      table.byId.set(eventId, series);
    }
    if (typeof rowId === 'number' || rowId === eventId) table.byRowId.set(rowId, series);
    return series;
  }

  /** An expired table counter keeps exporting what it had counted; what the table gains since is refused. */
  private refuseExpiredRows(table: TableCounter, seen: readonly UsageSeries[], other: number): void {
    const totals = new Map<string, number>(seen.map((series) => [series.eventId, series.readTotal]));
    totals.set(OTHER, other);
    let refused = 0;
    for (const [eventId, count] of totals) refused += Math.max(0, count - (table.lastRead.get(eventId) ?? 0));
    if (refused > 0) this.guard.count('expired_event', refused);
    table.lastRead = totals;
  }

  private setTableCount(series: UsageSeries, count: number, history: boolean): void {
    const delta = count - series.count;
    series.count = count;
    if (this.debugLog !== undefined && delta > 0 && !history) this.logIncrement(series, delta);
  }

  private logIncrement(series: UsageSeries, delta: number): void {
    this.debugLog?.debug({ metric: METRIC, labels: { event_name: series.eventName, event_id: series.eventId }, delta }, 'recorded');
  }
}
