/**
 * Several processes, one /metrics, at the default bound (each process's two in-memory counters full, five table
 * counters full in the process that reads them: 7,007 usage series on /metrics):
 *
 * 1. node:cluster with a quietcount primary: the record cost in a worker beside the same loop in a single process
 *    (interleaved rounds, same run; goal: within 1.5×), and the longest event-loop block a scrape causes, in the
 *    serving primary and in the workers (which hand their counts over every second meanwhile), beside a single
 *    process serving the same series.
 * 2. PM2-style peers: four instances forked by a primary that runs no quietcount (as PM2's daemon is), running the
 *    single-process code; one serves /metrics. Goals: record() in an instance within 1.5× of one process, and the
 *    scrape's serve time and longest event-loop block of the serving process at or below prom-client's cluster
 *    answer (AggregatorRegistry in the primary, asking four workers that hold the same series at each scrape).
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregatorRegistry } from 'prom-client';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { createTelemetry } from '../src/index.ts';
import { referenceCatalog as catalog, usageEvents, type TableEventName } from '../examples/event-directory/test/support/catalog.ts';
import { filledTelemetry, SERIES_AT_BOUND } from './fill.ts';
import { recordTimer } from './record-timer.ts';
import { measureScrapes, type Measured } from './scrape-measure.ts';
import { fixed, median, table } from './support.ts';

const WORKERS = 4;
const ROUNDS = 9;
const GOAL_RECORD_RATIO = 1.5;

type Reply = {
  ready?: true;
  role?: string;
  nsPerRecord?: number;
  measuring?: true;
  blockMs?: number;
  scraped?: Measured & { series: number };
};
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

/** The longest event-loop block of each of `of` while `during` runs. */
const blocksOf = async (of: readonly Worker[], during: () => Promise<unknown>): Promise<number[]> => {
  await Promise.all(of.map((worker) => ask(worker, 'measure-start', 'measuring')));
  await during();
  return Promise.all(of.map(async (worker) => (await ask(worker, 'measure-stop', 'blockMs')).blockMs ?? Number.NaN));
};
const blocksOfWorkers = (during: () => Promise<unknown>): Promise<number[]> => blocksOf(workers, during);
const stopAll = (of: readonly Worker[]): Promise<unknown> =>
  Promise.all(
    of.map(
      (worker) =>
        new Promise((resolve) => {
          worker.once('exit', resolve);
          worker.send('stop');
        }),
    ),
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
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

await stopAll(workers);
// From here on this process runs no quietcount, as PM2's daemon: the processes it forks are peers.
await primary.shutdown();

// 3. PM2-style peers: the single-process code in four instances on one metrics port.
const portProbe = createServer();
await new Promise<void>((resolve) => portProbe.listen(0, '127.0.0.1', resolve));
const peersPort = (portProbe.address() as AddressInfo).port;
await new Promise((resolve) => portProbe.close(resolve));
const peersDir = await mkdtemp(join(tmpdir(), 'quietcount-bench-peers-'));
cluster.setupPrimary({ exec: new URL('./cluster-peer.ts', import.meta.url).pathname });
const peers: Worker[] = [];
const roles: string[] = [];
// One after the other, as PM2 starts them: the first binds the port and serves.
for (let index = 0; index < WORKERS; index += 1) {
  // Warnings only: their start-up lines would land in the Markdown this prints.
  const peer = cluster.fork({ METRICS_PORT: String(peersPort), ANALYTICS_HANDOVER_INTERVAL_MS: '1000', ANALYTICS_PEERS_DIR: peersDir, ANALYTICS_LOG_LEVEL: 'warn' });
  roles.push((await new Promise<Reply>((resolve) => peer.once('message', resolve))).role ?? '');
  peers.push(peer);
}
const serving = peers[roles.indexOf('serving-peer')];
const handing = peers.filter((peer) => peer !== serving);
const [timedPeer] = handing;
if (serving === undefined || timedPeer === undefined || handing.length !== WORKERS - 1) throw new Error(`expected one serving instance, got ${roles.join(', ')}`);
await sleep(2_500);
const peerSingleNs: number[] = [];
const peerNs: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  peerSingleNs.push(timeSingle());
  peerNs.push((await ask(timedPeer, 'time', 'nsPerRecord')).nsPerRecord ?? Number.NaN);
}
let peerScrape: Reply['scraped'];
const handingBlocks = await blocksOf(handing, async () => {
  peerScrape = (await ask(serving, 'scrape', 'scraped')).scraped;
});
await stopAll(peers);
await rm(peersDir, { recursive: true, force: true });
if (peerScrape === undefined) throw new Error('no scrape of the peers');

// 4. prom-client's cluster answer on the same series: its primary asks every worker for its registry at each scrape.
cluster.setupPrimary({ exec: new URL('./cluster-prom-worker.ts', import.meta.url).pathname });
const promWorkers = Array.from({ length: WORKERS }, (_, index) => cluster.fork(index === 0 ? { TABLES: '1' } : {}));
await Promise.all(promWorkers.map((worker) => new Promise((resolve) => worker.once('message', resolve))));
const aggregator = new AggregatorRegistry();
const promServer = createServer((_req, res) => {
  void aggregator.clusterMetrics().then((text) => {
    res.writeHead(200, { 'Content-Type': aggregator.contentType });
    res.end(text);
  });
});
await new Promise<void>((resolve) => promServer.listen(0, '127.0.0.1', resolve));
const promUrl = `http://127.0.0.1:${String((promServer.address() as AddressInfo).port)}/metrics`;
const promSeries = (await aggregator.clusterMetrics()).split('\n').filter((line) => line.startsWith('analytics_events_total{')).length;
let promScrape: Measured | undefined;
const promWorkerBlocks = await blocksOf(promWorkers, async () => {
  promScrape = await measureScrapes(promUrl);
});
promServer.close();
await stopAll(promWorkers);
if (promScrape === undefined) throw new Error('no scrape of prom-client');

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

const peerRatio = median(peerNs) / median(peerSingleNs);
const serveRatio = peerScrape.serveMs / promScrape.serveMs;
const blockRatio = peerScrape.blockMs / promScrape.blockMs;
const verdict = (ratio: number, goal: number): string => `${fixed(ratio, 2)} ${ratio <= goal ? 'met' : 'MISSED'}`;
process.stdout.write(
  [
    '',
    `## PM2-style peers: ${String(WORKERS)} instances of the single-process code, one /metrics (${String(peerScrape.series)} usage series), beside prom-client's AggregatorRegistry (${String(promSeries)})`,
    '',
    `Four instances forked by a primary that runs no quietcount, as \`pm2 start app.js -i ${String(WORKERS)}\` does; one binds the metrics port and serves, the others hand their counts over every second. Goals: record() in an instance within ${fixed(GOAL_RECORD_RATIO, 1)}× of one process; the serving process's scrape serve time and longest event-loop block at or below prom-client's primary, which asks its ${String(WORKERS)} workers for their registries at each scrape.`,
    '',
    table(
      ['measure', 'value', 'goal'],
      [
        ['record(), single process (ns/op, median of interleaved rounds)', fixed(median(peerSingleNs)), ''],
        ['record(), in an instance that hands its counts over (ns/op, same rounds)', fixed(median(peerNs)), `instance / single ≤ ${fixed(GOAL_RECORD_RATIO, 1)}: ${verdict(peerRatio, GOAL_RECORD_RATIO)}`],
        ['scrape, serving instance: serve (median ms) / longest event-loop block of a scrape (median; worst) (ms)', `${fixed(peerScrape.serveMs)} / ${fixed(peerScrape.blockMs)}; ${fixed(peerScrape.worstBlockMs)}`, `serve ≤ prom-client's: ${verdict(serveRatio, 1)}; block ≤ prom-client's: ${verdict(blockRatio, 1)}`],
        ['scrape, prom-client AggregatorRegistry primary: serve (median ms) / longest event-loop block of a scrape (median; worst) (ms)', `${fixed(promScrape.serveMs)} / ${fixed(promScrape.blockMs)}; ${fixed(promScrape.worstBlockMs)}`, ''],
        ['longest event-loop block in each other instance meanwhile (ms): its own handovers and the machine (a scrape asks nothing of it)', handingBlocks.map((block) => fixed(block)).join(', '), ''],
        ["longest event-loop block in each prom-client worker while scraped (ms): each serializes its registry", promWorkerBlocks.map((block) => fixed(block)).join(', '), ''],
      ],
    ),
    '',
  ].join('\n'),
);
