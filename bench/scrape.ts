/**
 * Scrape cost with every usage counter full: at the default bound (7 × 1,001 series) and at ten times it
 * (ANALYTICS_MAX_EVENT_IDS=10000: 7 × 10,001), for quietcount, OpenTelemetry's Prometheus exporter alone (one
 * MeterProvider, one observable counter, one collection) and prom-client, at the same series count: time to serve
 * /metrics over HTTP (the scraper runs on a worker thread), the longest event-loop block of the serving thread in
 * each scrape (median over the scrapes, and the worst), the longest GC pause, and the bytes quietcount allocates per
 * scrape (heap growth over scrapes with no GC in between: run with a large young generation, as `npm run bench`
 * does).
 * Goals, same run: serve time at or below prom-client's; a scrape's longest block (median) at most 1/10 of OTel's
 * exporter alone; at ten times the bound, about the same block and a serve time that grows linearly.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { emptyResource } from '@opentelemetry/resources';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { Counter, Registry } from 'prom-client';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { filledTelemetry, seriesAtBound } from './fill.ts';
import { measureScrapes, SCRAPES, WARMUPS, type Measured } from './scrape-measure.ts';
import { fixed, table } from './support.ts';

const TEN_TIMES = DEFAULT_MAX_EVENT_IDS * 10;

const labelSetsFor = (series: number) =>
  Array.from({ length: series }, (_, index) => ({ event_name: `event_${String(index % 7)}`, event_id: String(Math.floor(index / 7) + 1) }));

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

async function quietcount(maxEventIds: number): Promise<Measured> {
  const telemetry = filledTelemetry({ ANALYTICS_MAX_EVENT_IDS: String(maxEventIds) });
  const address = await telemetry.startMetricsServer();
  const result = await measureScrapes(`${address.url}/metrics`);
  await telemetry.shutdown();
  return result;
}

async function otelAlone(series: number): Promise<Measured> {
  const labelSets = labelSetsFor(series);
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true });
  const provider = new MeterProvider({
    resource: emptyResource(),
    readers: [reader],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: series + 1 }],
  });
  provider.getMeter('bench').createObservableCounter('analytics_events').addCallback((result) => {
    for (const labels of labelSets) result.observe(3, labels);
  });
  const server = createServer((req, res) => {
    reader.getMetricsRequestHandler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const result = await measureScrapes(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}/metrics`);
  server.close();
  await provider.shutdown();
  return result;
}

async function promClient(series: number): Promise<Measured> {
  const registry = new Registry();
  const counter = new Counter({ name: 'analytics_events_total', help: 'bench', labelNames: ['event_name', 'event_id'], registers: [registry] });
  for (const labels of labelSetsFor(series)) counter.inc(labels, 3);
  const server = await serve(() => registry.metrics());
  const result = await measureScrapes(server.url);
  server.close();
  return result;
}

const atBound = seriesAtBound(DEFAULT_MAX_EVENT_IDS);
const atTen = seriesAtBound(TEN_TIMES);
const ours = await quietcount(DEFAULT_MAX_EVENT_IDS);
const otel = await otelAlone(atBound);
const prom = await promClient(atBound);
const oursTen = await quietcount(TEN_TIMES);
const promTen = await promClient(atTen);

const kib = (bytes: number) => (Number.isNaN(bytes) ? 'n/a (a GC ran in every scrape)' : fixed(bytes / 1024, 0));
const row = (label: string, series: number, result: Measured, goal: string) => [
  label,
  series,
  fixed(result.serveMs),
  fixed(result.blockMs),
  fixed(result.worstBlockMs),
  fixed(result.gcMs),
  result.bytes,
  goal,
];
const serveGoal = ours.serveMs <= prom.serveMs;
const blockGoal = ours.blockMs <= otel.blockMs / 10;
const blockGrowth = oursTen.blockMs / ours.blockMs;
const serveGrowth = oursTen.serveMs / ours.serveMs;
process.stdout.write(
  [
    `## Scrape: usage series with every counter full, ${String(SCRAPES)} scrapes over loopback HTTP (median), after ${String(WARMUPS)} warm-ups`,
    '',
    table(
      ['exporter', 'series', 'serve /metrics (median ms)', 'longest event-loop block of a scrape (median ms)', 'longest block of all scrapes (ms)', 'longest GC pause (ms)', 'bytes', 'goal'],
      [
        row('quietcount (OTel reader + MetricProducer, label text kept per series)', atBound, ours, `serve ≤ prom-client: ${fixed(ours.serveMs / prom.serveMs, 2)} ${serveGoal ? 'met' : 'MISSED'}; block ≤ OTel / 10: ${fixed(ours.blockMs / otel.blockMs, 3)} ${blockGoal ? 'met' : 'MISSED'}`),
        row('OTel exporter alone (one collection)', atBound, otel, ''),
        row('prom-client', atBound, prom, ''),
        row('quietcount at 10 × the bound', atTen, oursTen, `block ×${fixed(blockGrowth, 2)} (about the same), serve ×${fixed(serveGrowth, 2)} for ×${fixed(atTen / atBound, 1)} series (at most linear: ${serveGrowth <= atTen / atBound ? 'met' : 'MISSED'})`),
        row('prom-client at 10 × the bound', atTen, promTen, ''),
      ],
    ),
    '',
    `Blocks are measured with monitorEventLoopDelay at 1 ms resolution, per scrape, while a worker thread fetches and reads the text; a GC pause during a scrape counts in its block. The worst of ${String(SCRAPES)} scrapes is set by the slowest GC pause or scheduler hiccup of the run, which is why the goal is on the median.`,
    '',
    `Bytes quietcount allocates per scrape (heap growth over a scrape, request handling included): ${kib(ours.allocatedBytes)} KiB at the bound, ${kib(oursTen.allocatedBytes)} KiB at 10 × the bound; prom-client: ${kib(prom.allocatedBytes)} KiB and ${kib(promTen.allocatedBytes)} KiB.`,
    '',
  ].join('\n'),
);
