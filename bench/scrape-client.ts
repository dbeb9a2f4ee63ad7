/**
 * The scraper, on its own thread: fetching and reading half a megabyte of text must not count as a block of the
 * event loop being measured. One scrape per `scrape` message, answered with its time and size.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { url, headers } = workerData as { url: string; headers?: Record<string, string> };
parentPort?.on('message', () => {
  const start = performance.now();
  void fetch(url, { headers: headers ?? {} })
    .then((response) => response.text())
    .then((text) => {
      parentPort?.postMessage({ ms: performance.now() - start, bytes: text.length });
    });
});
