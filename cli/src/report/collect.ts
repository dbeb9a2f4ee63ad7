/**
 * Exact daily counts for the days asked, read in pieces so that memory stays flat whatever the number of series, of
 * samples per day or of days (the collection behind `quietcount report`, and reusable by any command that needs the
 * same exact counts: give it a connection, the event names and ids, and the days).
 *
 * How: the event names and their event ids are listed first (label values API, over the days asked and the day
 * before). The ids of each name, in the report's order, are then read in blocks: a block is a run of ids whose
 * samples for one day fit in about `PieceSize.samples` (learnt from the blocks read before), and for each block the
 * report reads the last value of each series on the day before (`last_over_time`, the baseline) and then every day,
 * in time order, as raw samples. A block too dense for one answer a day is read in 2, 4, … windows a day; an answer
 * larger than `PieceSize.maxBytes` is cut off, and the rest of its block read in windows half as long (a baseline
 * answer that large: the block is read again with half the ids). A block's counts are final once its last day is
 * read: they are handed on, in order, and forgotten. While one answer is read, the next two are already asked for,
 * so Prometheus works while the report counts.
 */
import { OTHER, canonicalEventId, isEventName, type MetricName } from 'quietcount';
import { CommandError } from '../cli-io.ts';
import { DAY_MS, daysBetween, formatIsoDay } from '../days.ts';
import { matcher, oneOf, selector } from '../promql.ts';
import type { Connection } from './connection.ts';
import { DailyIncrements, seriesName, type DailyCount } from './daily-increments.ts';
import { compareEventIds, compareEventNames, sortCounts } from './order.ts';
import { AnswerBuffer, AnswerTooLarge, PrometheusApi } from './prometheus-api.ts';

export const USAGE_METRIC: MetricName = 'analytics_events_total';

/** How much one answer may hold. */
export interface PieceSize {
  /** Samples a piece is planned to hold. */
  readonly samples: number;
  /** Bytes beyond which an answer is cut off and its piece asked again smaller. */
  readonly maxBytes: number;
  /** Event ids in one query at most (the query's length). */
  readonly maxIds: number;
}

/** About 24 MB of JSON a piece, 64 MiB at most: two answers in memory at a time, whatever the data. */
export const DEFAULT_PIECE_SIZE: PieceSize = { samples: 1_000_000, maxBytes: 64 * 2 ** 20, maxIds: 500 };

export interface CollectRequest {
  readonly connection: Connection;
  /** Empty: every event name Prometheus has over the days (and the day before). */
  readonly eventNames: readonly string[];
  /** Empty: every event id. */
  readonly eventIds: readonly string[];
  /** Midnights (UTC) of the first and last day, both included. */
  readonly fromDay: number;
  readonly toDay: number;
  /** Called as blocks are done: event id-days read so far, of `total`. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Warnings of the server, made printable. */
  readonly onWarning?: (warning: string) => void;
  readonly pieceSize?: PieceSize;
}

/** The first block of a run is small: how dense the data is is not known yet. */
const FIRST_BLOCK_IDS = 16;
/** Windows a day at most (powers of two divide a day into whole milliseconds up to 2^10: 84.375 s). */
const MAX_WINDOWS = 1_024;
/**
 * Pieces asked for beyond the one being read: Prometheus prepares them while the report reads, on the other core.
 * Three answers in memory at most.
 */
const PIECES_AHEAD = 2;
/** Answer buffers larger than this (a planned piece is about 24 MB) are not kept once read. */
const KEPT_BUFFER_BYTES = 32 * 2 ** 20;
/**
 * A block holds at most this many times the ids of the block before: the next block is planned before the last
 * answers of the one before are read, and a day denser than the others (a shorter scrape interval) may be among them.
 */
const BLOCK_GROWTH = 4;
/** Bytes per sample of an answer, for an estimate after a cut-off answer (`[1796515200,"12345"],` is 21). */
const BYTES_PER_SAMPLE = 21;

interface Target {
  readonly eventName: string;
  readonly eventIds: readonly string[];
}

interface Block {
  readonly eventName: string;
  readonly eventIds: readonly string[];
  /** Where the block starts in its name's ids. */
  readonly start: number;
}

interface Piece {
  readonly block: Block;
  readonly query: string;
  readonly timeMs: number;
  readonly resultType: 'matrix' | 'vector';
  /** For the raw samples: where they may lie, both ends included. */
  readonly window: { readonly startMs: number; readonly endMs: number } | undefined;
  /** Windows a day of the block's raw samples. */
  readonly windows: number;
  /** In words, for messages. */
  readonly asked: string;
}

export async function* collectDailyCounts(request: CollectRequest): AsyncGenerator<DailyCount, void, undefined> {
  const { fromDay, toDay } = request;
  const size = request.pieceSize ?? DEFAULT_PIECE_SIZE;
  const api = new PrometheusApi(request.connection, request.onWarning ?? (() => undefined));
  const days = daysBetween(fromDay, toDay);
  const targets = await listTargets(api, request);
  const total = targets.reduce((sum, target) => sum + target.eventIds.length * days.length, 0);
  let done = 0;
  const sizing = new Sizing(size);
  const cursor = new PieceCursor(targets, days, sizing);

  // The pieces asked for and not read yet, oldest first: the first is read while the others are on their way,
  // each into a buffer of its own, which goes back to `buffers` once its answer is counted (or given up and settled).
  const inFlight: PieceFetch[] = [];
  const buffers: AnswerBuffer[] = [];
  const askAhead = (): void => {
    while (inFlight.length <= PIECES_AHEAD) {
      const piece = cursor.next();
      if (piece === undefined) return;
      const release = (buffer: AnswerBuffer): void => {
        buffer.keepAtMost(KEPT_BUFFER_BYTES);
        buffers.push(buffer);
      };
      inFlight.push(fetchPiece(api, piece, size.maxBytes, buffers.pop() ?? new AnswerBuffer(), release));
    }
  };
  let block: BlockCounts | undefined;
  const finishBlock = function* (): Generator<DailyCount> {
    if (block === undefined) return;
    yield* block.finish();
    done += block.block.eventIds.length * days.length;
    request.onProgress?.(done, total);
  };
  try {
    for (;;) {
      askAhead();
      const next = inFlight[0];
      if (next === undefined) break;
      const { piece, bytes: answer } = next;
      let bytes: Buffer;
      try {
        bytes = await answer;
      } catch (error) {
        next.release();
        for (const pending of inFlight.splice(0)) pending.abort();
        if (!(error instanceof AnswerTooLarge)) throw error;
        const { window } = piece;
        sizing.overflowed(piece.block.eventIds.length, window === undefined ? 1 : (window.endMs - window.startMs + 1) / DAY_MS);
        cursor.tooLarge(piece, size.maxBytes);
        continue;
      }
      inFlight.shift();
      if (block?.block !== piece.block) {
        yield* finishBlock();
        block = new BlockCounts(piece.block);
      }
      const samples = block.read(api, bytes, piece);
      next.release();
      if (piece.window !== undefined) sizing.observe(samples, piece.block.eventIds.length, (piece.window.endMs - piece.window.startMs + 1) / DAY_MS);
    }
    yield* finishBlock();
  } finally {
    for (const pending of inFlight) pending.abort();
  }
}

/** Event names and their event ids, validated and in the report's order. */
async function listTargets(api: PrometheusApi, request: CollectRequest): Promise<Target[]> {
  const range = { startMs: request.fromDay - DAY_MS, endMs: request.toDay + DAY_MS - 1 };
  const period = `from ${formatIsoDay(range.startMs)} to ${formatIsoDay(request.toDay)}`;
  const names =
    request.eventNames.length > 0
      ? [...request.eventNames]
      : await api.labelValues('event_name', USAGE_METRIC, `the event_name values of ${USAGE_METRIC} ${period}`, range);
  for (const name of names) {
    if (!isEventName(name)) {
      throw new CommandError(`Prometheus answered an event_name value of ${USAGE_METRIC} that is not an event name (lower-case letters, digits and _): refused`);
    }
  }
  const wanted = request.eventIds.length === 0 ? undefined : new Set(request.eventIds);
  const targets: Target[] = [];
  for (const eventName of [...new Set(names)].sort(compareEventNames)) {
    const match = selector(USAGE_METRIC, [matcher('event_name', '=', eventName)]);
    const ids = await api.labelValues('event_id', match, `the event_id values of event_name "${eventName}" ${period}`, range);
    for (const id of ids) {
      if (id !== OTHER && canonicalEventId(id) !== id) {
        throw new CommandError(
          `Prometheus answered an event_id value of event_name "${eventName}" that is not an event id (a positive integer, a lower-case UUID or ${OTHER}): refused`,
        );
      }
    }
    const eventIds = [...new Set(ids)].filter((id) => wanted === undefined || wanted.has(id)).sort(compareEventIds);
    if (eventIds.length > 0) targets.push({ eventName, eventIds });
  }
  return targets;
}

/** How many ids a block holds and in how many windows a day it is read, from the density of the answers before. */
class Sizing {
  readonly #size: PieceSize;
  /** Samples per event id and day (summed over instances) the plan uses; undefined before the first answer. */
  #perIdDay: number | undefined;
  /** The densest answer since the last plan. */
  #densest: number | undefined;
  /** Ids of the block planned last. */
  #lastIds = 0;

  constructor(size: PieceSize) {
    this.#size = size;
  }

  /** The next block, sized for the densest answer of the block before (a block mixes days of any density). */
  plan(): { readonly ids: number; readonly windows: number } {
    if (this.#densest !== undefined) this.#perIdDay = this.#densest;
    this.#densest = undefined;
    const { samples, maxIds } = this.#size;
    if (this.#perIdDay === undefined) {
      this.#lastIds = Math.min(FIRST_BLOCK_IDS, maxIds);
      return { ids: this.#lastIds, windows: 1 };
    }
    const perIdDay = Math.max(this.#perIdDay, 1);
    const ids = Math.max(1, Math.min(maxIds, BLOCK_GROWTH * this.#lastIds, Math.floor(samples / perIdDay)));
    this.#lastIds = ids;
    let windows = 1;
    while ((ids * perIdDay) / windows > samples && windows < MAX_WINDOWS) windows *= 2;
    return { ids, windows };
  }

  observe(samples: number, ids: number, dayFraction: number): void {
    this.#densest = Math.max(this.#densest ?? 0, samples / ids / dayFraction);
  }

  /** An answer of `ids` over `dayFraction` of a day passed `maxBytes`: at least this dense. */
  overflowed(ids: number, dayFraction: number): void {
    this.observe(this.#size.maxBytes / BYTES_PER_SAMPLE, ids, dayFraction);
  }
}

/** The pieces to read, block after block: planned as they are reached, with what the answers before have shown. */
class PieceCursor {
  readonly #targets: readonly Target[];
  readonly #days: readonly number[];
  readonly #sizing: Sizing;
  #target = 0;
  #block: Block | undefined;
  #windows = 1;
  #pieces: Piece[] = [];
  #piece = 0;

  constructor(targets: readonly Target[], days: readonly number[], sizing: Sizing) {
    this.#targets = targets;
    this.#days = days;
    this.#sizing = sizing;
  }

  next(): Piece | undefined {
    while (this.#piece >= this.#pieces.length) {
      const planned = this.#nextBlock();
      if (planned === undefined) return undefined;
      this.#start(planned.block, planned.windows);
    }
    const piece = this.#pieces[this.#piece];
    this.#piece += 1;
    return piece;
  }

  /**
   * `piece`'s answer was too large: pieces from it on are dropped, and asked for again smaller. Raw samples: the rest
   * of the block in windows half as long. The baseline (the block's first piece): the block with half its ids.
   */
  tooLarge(piece: Piece, maxBytes: number): void {
    // The cursor may be a block further already (pieces are asked for ahead): back to the piece's block.
    const { block, windows } = piece;
    if (piece.window === undefined) {
      if (block.eventIds.length === 1) throw tooDense(piece, maxBytes);
      this.#start({ ...block, eventIds: block.eventIds.slice(0, Math.ceil(block.eventIds.length / 2)) }, windows);
      return;
    }
    if (windows >= MAX_WINDOWS) throw tooDense(piece, maxBytes);
    this.#block = block;
    this.#windows = windows * 2;
    const from = piece.window.startMs;
    this.#pieces = samplePieces(block, this.#days, this.#windows).filter((later) => (later.window?.startMs ?? 0) >= from);
    this.#piece = 0;
  }

  #start(block: Block, windows: number): void {
    this.#block = block;
    this.#windows = windows;
    this.#pieces = [baselinePiece(block, this.#days, windows), ...samplePieces(block, this.#days, windows)];
    this.#piece = 0;
  }

  #nextBlock(): { readonly block: Block; readonly windows: number } | undefined {
    const before = this.#block;
    let start = before === undefined ? 0 : before.start + before.eventIds.length;
    let target = this.#targets[this.#target];
    if (target !== undefined && start >= target.eventIds.length) {
      this.#target += 1;
      target = this.#targets[this.#target];
      start = 0;
    }
    if (target === undefined) return undefined;
    const { ids, windows } = this.#sizing.plan();
    return { block: { eventName: target.eventName, eventIds: target.eventIds.slice(start, start + ids), start }, windows };
  }
}

function tooDense(piece: Piece, maxBytes: number): CommandError {
  return new CommandError(
    `Prometheus answered ${piece.asked} with more than ${Math.round(maxBytes / 2 ** 20)} MiB, even asked for ${Math.round(DAY_MS / MAX_WINDOWS / 1000)} s ` +
      'or one event id at a time: that is not a counter scraped by Prometheus',
  );
}

function durationText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function blockSelector(block: Block): { readonly series: string; readonly which: string } {
  const first = block.eventIds[0] ?? '';
  const last = block.eventIds.at(-1) ?? '';
  return {
    series: selector(USAGE_METRIC, [matcher('event_name', '=', block.eventName), oneOf('event_id', block.eventIds)]),
    which: `event_name "${block.eventName}", ${first === last ? `event id ${first}` : `event ids ${first} to ${last} (${block.eventIds.length})`}`,
  };
}

/** Each series' last value on the day before the first day, evaluated at its last millisecond. */
function baselinePiece(block: Block, days: readonly number[], windows: number): Piece {
  const { series, which } = blockSelector(block);
  const firstDay = days[0] ?? 0;
  return {
    block,
    query: `last_over_time(${series}[${durationText(DAY_MS)}])`,
    timeMs: firstDay - 1,
    resultType: 'vector',
    window: undefined,
    windows,
    asked: `the last values of ${which} on ${formatIsoDay(firstDay - DAY_MS)}`,
  };
}

/** The raw samples of every day, in `windows` windows a day, in time order. */
function samplePieces(block: Block, days: readonly number[], windows: number): Piece[] {
  const { series, which } = blockSelector(block);
  const windowMs = DAY_MS / windows;
  const time = (ms: number): string => new Date(ms).toISOString().slice(11, 19);
  return days.flatMap((day) =>
    Array.from({ length: windows }, (_, index): Piece => {
      const startMs = day + index * windowMs;
      const endMs = startMs + windowMs - 1;
      return {
        block,
        // Evaluated at the window's last millisecond, the range reaches back to its first. Prometheus 2.x also
        // includes the millisecond before (a sample there belongs to the window before, and is skipped).
        query: `${series}[${durationText(windowMs)}]`,
        timeMs: endMs,
        resultType: 'matrix',
        window: { startMs, endMs },
        windows,
        asked: `the samples of ${which} on ${formatIsoDay(day)}${windows === 1 ? '' : ` from ${time(startMs)} to ${time(endMs + 1)} UTC`}`,
      };
    }),
  );
}

interface PieceFetch {
  readonly piece: Piece;
  readonly bytes: Promise<Buffer>;
  /** Gives the answer up: its buffer is released once the request has settled. */
  abort(): void;
  /** The answer has been counted (or failed): its buffer can take another. */
  release(): void;
}

function fetchPiece(api: PrometheusApi, piece: Piece, maxBytes: number, buffer: AnswerBuffer, release: (buffer: AnswerBuffer) => void): PieceFetch {
  const controller = new AbortController();
  const bytes = api.query(piece.query, piece.timeMs, maxBytes, buffer, controller.signal);
  let released = false;
  const releaseOnce = (): void => {
    if (!released) release(buffer);
    released = true;
  };
  // An answer given up on (aborted, or never awaited after an error) must not be an unhandled rejection.
  bytes.catch(() => undefined);
  return {
    piece,
    bytes,
    abort: () => {
      controller.abort();
      bytes.then(releaseOnce, releaseOnce);
    },
    release: releaseOnce,
  };
}

/** The counts of one block while its pieces are read. */
class BlockCounts {
  readonly block: Block;
  readonly #ids: ReadonlySet<string>;
  readonly #increments = new DailyIncrements();

  constructor(block: Block) {
    this.block = block;
    this.#ids = new Set(block.eventIds);
  }

  /** Reads one answer into the counts; the number of samples it held. */
  read(api: PrometheusApi, bytes: Buffer, piece: Piece): number {
    const seen = new Set<string>();
    let samples = 0;
    api.readSeries(bytes, piece.resultType, piece.asked, (series) => {
      const { labels } = series;
      const refuse = (why: string): never => {
        throw new CommandError(`Prometheus answered ${piece.asked} with ${why}: refused`);
      };
      if (labels.event_name !== this.block.eventName || labels.event_id === undefined || !this.#ids.has(labels.event_id)) {
        refuse('a series that was not asked for (another event_name or event_id)');
      }
      const key = JSON.stringify(Object.entries(labels).filter(([name]) => name !== '__name__').sort(([a], [b]) => (a < b ? -1 : 1)));
      if (seen.has(key)) refuse(`${seriesName(labels)} twice`);
      seen.add(key);
      try {
        if (piece.window === undefined) {
          if (series.count !== 1) refuse(`${seriesName(labels)} without one value`);
          this.#increments.setBaselineValue(labels, series.values[0] ?? Number.NaN, series.timestampsMs[0] ?? Number.NaN);
        } else {
          this.#increments.addSamples(series, piece.window);
        }
      } catch (error) {
        if (error instanceof CommandError && !error.message.startsWith('Prometheus answered')) {
          throw new CommandError(`Prometheus answered ${piece.asked} with ${error.message}`);
        }
        throw error;
      }
      samples += series.count;
    });
    return samples;
  }

  /** The block's counts in the report's order. */
  finish(): DailyCount[] {
    return sortCounts(this.#increments.counts());
  }
}
