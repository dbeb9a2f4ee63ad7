/**
 * The scraper, on its own thread: fetching and reading half a megabyte of text must not count as a block of the
 * event loop being measured.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { url, scrapes, warmups } = workerData as { url: string; scrapes: number; warmups: number };
const times: number[] = [];
let bytes = 0;
for (let scrape = 0; scrape < warmups + scrapes; scrape += 1) {
  const start = performance.now();
  bytes = (await (await fetch(url)).text()).length;
  if (scrape >= warmups) times.push(performance.now() - start);
  if (scrape === warmups - 1) parentPort?.postMessage({ warmedUp: true });
}
parentPort?.postMessage({ times, bytes });
