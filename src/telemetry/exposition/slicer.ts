/**
 * Work in slices of a few milliseconds, yielding to the event loop between them, so that a scrape at any bound
 * keeps the app's event loop responsive: the block a scrape causes stays about the same whatever the series count,
 * while its total time grows with it.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Work done before yielding; Node's own event-loop lag p99 stays well under this at rest. */
const SLICE_MS = 1;
/** How many units of work between two looks at the clock, by default: a look costs more than a small unit. */
const CHECK_EVERY = 128;

export class Slicer {
  private sliceStart = performance.now();
  private units = 0;
  private readonly checkEvery: number;

  /** `checkEvery`: 1 when each unit of work is large (a chunk to write) rather than one series. */
  constructor(checkEvery = CHECK_EVERY) {
    this.checkEvery = checkEvery;
  }

  /** True when the current slice has used its time: the caller should `await pause()`. */
  due(): boolean {
    this.units += 1;
    return this.units % this.checkEvery === 0 && performance.now() - this.sliceStart >= SLICE_MS;
  }

  async pause(): Promise<void> {
    await yieldToEventLoop();
    this.sliceStart = performance.now();
  }
}
