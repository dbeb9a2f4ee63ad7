/**
 * Scrape cost at the default cardinality bound with every usage counter full (7 × 1,001 series): time to serve
 * /metrics over HTTP and the longest event-loop block during scrapes, for quietcount, OpenTelemetry's Prometheus
 * exporter alone (one MeterProvider, one collection) and prom-client, at the same series count.
 * Goal: quietcount never blocks the event loop more than 5 ms.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { Counter, Registry } from 'prom-client';
import { filledTelemetry, SERIES_AT_BOUND } from './fill.ts';
import { fixed, median, table } from './support.ts';

const SCRAPES = 15;
const labelSets = Array.from({ length: SERIES_AT_BOUND }, (_, index) => ({
  event_name: `event_${String(index % 7)}`,
  event_id: String(Math.floor(index / 7) + 1),
}));

async function serve(handler: () => Promise<string>): Promise<{ url: string; close: () => void }> {
  const server = createServer((_req, res) => {
    void handler().then((body) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/metrics`, close: () => server.close() };
}

/**
 * Median time to serve /metrics, and the longest event-loop block of the serving thread while it serves
 * (monitorEventLoopDelay at 1 ms resolution). The scraper runs on a worker thread.
 */
async function measure(url: string): Promise<{ serveMs: number; blockMs: number; gcMs: number; bytes: number }> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  // A garbage collector pause blocks the loop as surely as code does: report the longest one beside the block, so
  // a reader can tell the exporter's own synchronous work from the collector's.
  let gcMs = 0;
  let measuring = false;
  const gcPauses = new PerformanceObserver((list) => {
    if (measuring) for (const entry of list.getEntries()) gcMs = Math.max(gcMs, entry.duration);
  });
  gcPauses.observe({ entryTypes: ['gc'] });
  const worker = new Worker(new URL('./scrape-client.ts', import.meta.url), { workerData: { url, scrapes: SCRAPES, warmups: 3 } });
  const result = await new Promise<{ times: number[]; bytes: number }>((resolve, reject) => {
    worker.on('message', (message: { warmedUp?: true; times?: number[]; bytes?: number }) => {
      if (message.warmedUp === true) {
        delay.enable();
        measuring = true;
      }
      else resolve({ times: message.times ?? [], bytes: message.bytes ?? 0 });
    });
    worker.once('error', reject);
  });
  delay.disable();
  measuring = false;
  gcPauses.disconnect();
  await worker.terminate();
  return { serveMs: median(result.times), blockMs: delay.max / 1e6, gcMs, bytes: result.bytes };
}

async function quietcount() {
  const telemetry = filledTelemetry();
  const address = await telemetry.startMetricsServer();
  const result = await measure(`${address.url}/metrics`);
  await telemetry.shutdown();
  return result;
}

async function otelAlone() {
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true });
  const provider = new MeterProvider({
    resource: emptyResource(),
    readers: [reader],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: SERIES_AT_BOUND + 1 }],
  });
  provider.getMeter('bench').createObservableCounter('analytics_events').addCallback((result) => {
    for (const labels of labelSets) result.observe(3, labels);
  });
  const server = createServer((req, res) => {
    reader.getMetricsRequestHandler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const result = await measure(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}/metrics`);
  server.close();
  await provider.shutdown();
  return result;
}

async function promClient() {
  const registry = new Registry();
  const counter = new Counter({ name: 'analytics_events_total', help: 'bench', labelNames: ['event_name', 'event_id'], registers: [registry] });
  for (const labels of labelSets) counter.inc(labels, 3);
  const server = await serve(() => registry.metrics());
  const result = await measure(server.url);
  server.close();
  return result;
}

const results = { quietcount: await quietcount(), otel: await otelAlone(), promClient: await promClient() };
const ours = results.quietcount;
process.stdout.write(
  [
    `## Scrape: ${String(SERIES_AT_BOUND)} usage series (default bound, all full), ${String(SCRAPES)} scrapes over loopback HTTP`,
    '',
    table(
      ['exporter', 'serve /metrics (median ms)', 'longest event-loop block (ms)', 'of which GC: longest pause (ms)', 'bytes', 'goal'],
      [
        ['quietcount (sharded OTel + process metrics)', fixed(ours.serveMs), fixed(ours.blockMs), fixed(ours.gcMs), ours.bytes, `block < 5 ms ${ours.blockMs < 5 ? 'met' : 'MISSED'}`],
        ['OTel exporter alone (one collection)', fixed(results.otel.serveMs), fixed(results.otel.blockMs), fixed(results.otel.gcMs), results.otel.bytes, ''],
        ['prom-client', fixed(results.promClient.serveMs), fixed(results.promClient.blockMs), fixed(results.promClient.gcMs), results.promClient.bytes, ''],
      ],
    ),
    '',
  ].join('\n'),
);
