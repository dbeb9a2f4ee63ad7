/**
 * node:cluster: the record cost in a worker beside the same loop in a single process (interleaved rounds, same run;
 * goal: within 1.5×), and the longest event-loop block a scrape causes, with four workers at the default bound (each
 * worker's two in-memory counters full, the primary's five table counters full: 7,007 usage series on /metrics),
 * in the serving primary and in the workers (which hand their counts over every second meanwhile), beside a
 * single process serving the same series.
 */
import cluster, { type Worker } from 'node:cluster';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { createTelemetry } from '../src/index.ts';
import { referenceCatalog as catalog, usageEvents, type TableEventName } from '../examples/event-directory/test/support/catalog.ts';
import { filledTelemetry, SERIES_AT_BOUND } from './fill.ts';
import { recordTimer } from './record-timer.ts';
import { measureScrapes } from './scrape-measure.ts';
import { fixed, median, table } from './support.ts';

const WORKERS = 4;
const ROUNDS = 9;
const GOAL_RECORD_RATIO = 1.5;

type Reply = { ready?: true; nsPerRecord?: number; measuring?: true; blockMs?: number };
const ask = (worker: Worker, message: string, answer: keyof Reply): Promise<Reply> =>
  new Promise((resolve) => {
    const onMessage = (reply: Reply): void => {
      if (reply[answer] === undefined) return;
      worker.off('message', onMessage);
      resolve(reply);
    };
    worker.on('message', onMessage);
    worker.send(message);
  });

// 1. One process serving the same 7,007 series: the figure the cluster's scrape is set beside.
const single = filledTelemetry();
const singleAddress = await single.startMetricsServer();
const singleScrape = await measureScrapes(`${singleAddress.url}/metrics`);
const timeSingle = recordTimer(single.record);
await single.shutdown();

// 2. The cluster: the primary reads the tables and serves /metrics; the workers record.
const primary = createTelemetry({ catalog, env: { NODE_ENV: 'production', METRICS_PORT: '0' } });
if (primary.role !== 'primary') throw new Error(`expected the primary, got ${primary.role}`);
const rows = Array.from({ length: DEFAULT_MAX_EVENT_IDS + 1 }, (_, index) => ({ eventId: index + 1, count: 3 }));
for (const [eventName, event] of Object.entries(usageEvents)) {
  if (event.source === 'table') primary.observeTable(eventName as TableEventName, () => rows);
}
const address = await primary.startMetricsServer();
cluster.setupPrimary({ exec: new URL('./cluster-worker.ts', import.meta.url).pathname });
const workers = Array.from({ length: WORKERS }, () => cluster.fork({ ANALYTICS_HANDOVER_INTERVAL_MS: '1000' }));
await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('message', resolve))));
// Two handovers, so that every worker's series are on /metrics before measuring.
await new Promise((resolve) => setTimeout(resolve, 2_500));

const singleNs: number[] = [];
const workerNs: number[] = [];
const [timed] = workers;
if (timed === undefined) throw new Error('no worker');
for (let round = 0; round < ROUNDS; round += 1) {
  singleNs.push(timeSingle());
  workerNs.push((await ask(timed, 'time', 'nsPerRecord')).nsPerRecord ?? Number.NaN);
}

const blocksOfWorkers = async (during: () => Promise<unknown>): Promise<number[]> => {
  await Promise.all(workers.map((worker) => ask(worker, 'measure-start', 'measuring')));
  await during();
  return Promise.all(workers.map(async (worker) => (await ask(worker, 'measure-stop', 'blockMs')).blockMs ?? Number.NaN));
};
let clusterScrape: Awaited<ReturnType<typeof measureScrapes>> | undefined;
const started = performance.now();
const workerBlocks = await blocksOfWorkers(async () => {
  clusterScrape = await measureScrapes(`${address.url}/metrics`);
});
// The same time without scrapes: what the workers' own handovers and the machine cost them anyway.
const scrapingMs = performance.now() - started;
const quietBlocks = await blocksOfWorkers(() => new Promise((resolve) => setTimeout(resolve, scrapingMs)));
if (clusterScrape === undefined) throw new Error('no cluster scrape');
const servedSeries = (await primary.metricsText()).split('\n').filter((line) => line.startsWith('analytics_events_total{')).length;

await Promise.all(workers.map((worker) => new Promise((resolve) => {
  worker.once('exit', resolve);
  worker.send('stop');
})));
await primary.shutdown();

const ratio = median(workerNs) / median(singleNs);
const scraped = clusterScrape;
process.stdout.write(
  [
    `## Cluster: ${String(WORKERS)} workers, one /metrics (${String(servedSeries)} usage series; ${String(SERIES_AT_BOUND)} at the default bound), handover every 1 s`,
    '',
    table(
      ['measure', 'value', 'goal'],
      [
        ['record(), single process (ns/op, median of interleaved rounds)', fixed(median(singleNs)), ''],
        ['record(), in a cluster worker (ns/op, same rounds)', fixed(median(workerNs)), `worker / single ≤ ${fixed(GOAL_RECORD_RATIO, 1)}: ${fixed(ratio, 2)} ${ratio <= GOAL_RECORD_RATIO ? 'met' : 'MISSED'}`],
        ['scrape, single process: serve (median ms) / longest event-loop block of a scrape (median; worst) (ms)', `${fixed(singleScrape.serveMs)} / ${fixed(singleScrape.blockMs)}; ${fixed(singleScrape.worstBlockMs)}`, ''],
        ['scrape, cluster primary: serve (median ms) / longest event-loop block of a scrape (median; worst) (ms)', `${fixed(scraped.serveMs)} / ${fixed(scraped.blockMs)}; ${fixed(scraped.worstBlockMs)}`, ''],
        ['longest event-loop block in each worker while the primary is scraped (ms)', workerBlocks.map((block) => fixed(block)).join(', '), ''],
        ['the same, over as long without scrapes (ms): the handovers and the machine alone', quietBlocks.map((block) => fixed(block)).join(', '), ''],
      ],
    ),
    '',
  ].join('\n'),
);
