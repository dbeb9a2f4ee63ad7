/**
 * The scrape measurement of bench/scrape.ts and bench/cluster.ts: a scraper on a worker thread asks for one /metrics
 * at a time, while this thread records how long it takes, its longest event-loop block, the longest GC pause, and
 * the heap growth per scrape with no GC in between.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { median } from './support.ts';

export const SCRAPES = 15;
export const WARMUPS = 3;

export interface Measured {
  readonly serveMs: number;
  /** The longest event-loop block of each scrape, median over the scrapes: what a scrape typically costs the app. */
  readonly blockMs: number;
  /** The longest block of all scrapes: one scheduler hiccup of a shared machine is enough to set it. */
  readonly worstBlockMs: number;
  readonly gcMs: number;
  readonly bytes: number;
  /** Median heap growth over one scrape with no GC during it, or NaN when every scrape saw one. */
  readonly allocatedBytes: number;
}

/**
 * Median time to serve /metrics, the longest event-loop block of this thread while it serves (monitorEventLoopDelay
 * at 1 ms resolution; per scrape, then the median and the worst), the longest GC pause, and the heap growth per
 * scrape. The scraper runs on a worker thread and asks for one scrape at a time, so each scrape's heap growth is
 * read on its own.
 */
export async function measureScrapes(url: string, headers: Readonly<Record<string, string>> = {}): Promise<Measured> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let gcMs = 0;
  let gcs = 0;
  let measuring = false;
  const gcPauses = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcs += 1;
      if (measuring) gcMs = Math.max(gcMs, entry.duration);
    }
  });
  gcPauses.observe({ entryTypes: ['gc'] });
  const worker = new Worker(new URL('./scrape-client.ts', import.meta.url), { workerData: { url, headers } });
  const ask = (): Promise<{ ms: number; bytes: number }> =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage('scrape');
    });
  for (let warmup = 0; warmup < WARMUPS; warmup += 1) await ask();
  delay.enable();
  measuring = true;
  const times: number[] = [];
  const blocks: number[] = [];
  const allocated: number[] = [];
  let bytes = 0;
  for (let scrape = 0; scrape < SCRAPES; scrape += 1) {
    const gcsBefore = gcs;
    const heapBefore = process.memoryUsage().heapUsed;
    delay.reset();
    const result = await ask();
    blocks.push(delay.max / 1e6);
    const heapAfter = process.memoryUsage().heapUsed;
    times.push(result.ms);
    bytes = result.bytes;
    if (gcs === gcsBefore) allocated.push(heapAfter - heapBefore);
  }
  measuring = false;
  delay.disable();
  gcPauses.disconnect();
  await worker.terminate();
  return {
    serveMs: median(times),
    blockMs: median(blocks),
    worstBlockMs: Math.max(...blocks),
    gcMs,
    bytes,
    allocatedBytes: allocated.length === 0 ? Number.NaN : median(allocated),
  };
}

