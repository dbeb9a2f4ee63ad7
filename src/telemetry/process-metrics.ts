/**
 * Node.js process metrics (CPU, memory, file descriptors, heap, event-loop lag, GC), from prom-client, in a
 * registry of this telemetry instance only, and stoppable.
 *
 * prom-client's `collectDefaultMetrics()` starts an event-loop delay monitor and a GC observer at every call and
 * never stops them, so each telemetry instance would leave two behind at shutdown. Its collect-only metric
 * modules (read at scrape, nothing running in between) are used as they are (prom-client is pinned exactly for
 * that); the two that watch the process continuously are rebuilt here on prom-client's Gauge and Histogram with
 * the same names and help, so that `stop()` can end them.
 */
import { createRequire } from 'node:module';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Gauge, Histogram, Registry } from 'prom-client';

type RegisterMetric = (registry: Registry, config: object) => void;

const requirePromClient = createRequire(import.meta.url);
const COLLECT_ONLY_MODULES = [
  'processCpuTotal',
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
];

/**
 * prom-client's gauges named like counters: `promtool check metrics` flags them, and their values are in the
 * `nodejs_active_*` gauges of newer names anyway.
 */
const MISNAMED = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
/** prom-client's defaults. */
const EVENT_LOOP_RESOLUTION_MS = 10;
const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];
const NS_PER_SECOND = 1e9;

export interface ProcessMetrics {
  /** The exposition text of every process metric, one metric at a time, with `between` awaited between them. */
  text(between?: () => Promise<void>): Promise<string>;
  /** Ends the event-loop monitor and the GC observer. */
  stop(): void;
}

/** What the process metrics watch the process with; a test passes spies that delegate to these. */
export interface ProcessWatchers {
  readonly monitorEventLoopDelay: typeof monitorEventLoopDelay;
  readonly PerformanceObserver: typeof PerformanceObserver;
}

export function startProcessMetrics(watchers: ProcessWatchers = { monitorEventLoopDelay, PerformanceObserver }): ProcessMetrics {
  const registry = new Registry();
  for (const name of COLLECT_ONLY_MODULES) {
    (requirePromClient(`prom-client/lib/metrics/${name}.js`) as RegisterMetric)(registry, {});
  }
  for (const name of MISNAMED) registry.removeSingleMetric(name);
  const stopEventLoop = eventLoopLag(registry, watchers);
  const stopGc = gcDurations(registry, watchers);
  return {
    text: async (between) => {
      let text = '';
      for (const metric of registry.getMetricsAsArray()) {
        text += `${await registry.getSingleMetricAsString(metric.name)}\n`;
        await between?.();
      }
      return text;
    },
    stop: () => {
      stopEventLoop();
      stopGc();
      registry.clear();
    },
  };
}

function eventLoopLag(registry: Registry, watchers: ProcessWatchers): () => void {
  const histogram = watchers.monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  histogram.enable();
  const seconds = (nanoseconds: number): number => nanoseconds / NS_PER_SECOND;
  const gauge = (name: string, help: string, read: () => number): Gauge =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  // One scrape's figures cover the time since the previous scrape: `reset()` after the last gauge is read.
  gauge('nodejs_eventloop_lag_min_seconds', 'The minimum recorded event loop delay.', () => seconds(histogram.min));
  gauge('nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.', () => seconds(histogram.max));
  gauge('nodejs_eventloop_lag_mean_seconds', 'The mean of the recorded event loop delays.', () => seconds(histogram.mean));
  gauge('nodejs_eventloop_lag_stddev_seconds', 'The standard deviation of the recorded event loop delays.', () => seconds(histogram.stddev));
  gauge('nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the recorded event loop delays.', () => seconds(histogram.percentile(50)));
  gauge('nodejs_eventloop_lag_p90_seconds', 'The 90th percentile of the recorded event loop delays.', () => seconds(histogram.percentile(90)));
  gauge('nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the recorded event loop delays.', () => {
    const p99 = seconds(histogram.percentile(99));
    histogram.reset();
    return p99;
  });
  return () => {
    histogram.disable();
  };
}

const GC_KINDS: Readonly<Record<number, string>> = {
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

function gcDurations(registry: Registry, watchers: ProcessWatchers): () => void {
  const durations = new Histogram({
    name: 'nodejs_gc_duration_seconds',
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: GC_BUCKETS,
    registers: [registry],
  });
  const observer = new watchers.PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as unknown as { detail?: { kind?: number } };
      const kind = GC_KINDS[detail?.kind ?? -1];
      if (kind !== undefined) durations.observe({ kind }, entry.duration / 1000);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
  };
}
