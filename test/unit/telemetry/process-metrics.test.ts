/**
 * Node.js process metrics: prom-client's, without the misnamed gauges, and stoppable: every event-loop monitor and
 * GC observer a telemetry instance starts is ended by its shutdown (prom-client's collectDefaultMetrics() would
 * leave one of each behind per instance).
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { startProcessMetrics, type ProcessWatchers } from '../../../src/telemetry/process-metrics.ts';
import { parseExposition } from '../../support/exposition.ts';

/** The real perf_hooks, counting what is started and what is stopped. */
function countingWatchers() {
  const running = { monitors: 0, observers: 0 };
  const watchers: ProcessWatchers = {
    monitorEventLoopDelay: (options) => {
      const histogram = monitorEventLoopDelay(options);
      const enable = histogram.enable.bind(histogram);
      const disable = histogram.disable.bind(histogram);
      histogram.enable = () => {
        running.monitors += 1;
        return enable();
      };
      histogram.disable = () => {
        running.monitors -= 1;
        return disable();
      };
      return histogram;
    },
    PerformanceObserver: class extends PerformanceObserver {
      override observe(options: Parameters<PerformanceObserver['observe']>[0]): void {
        running.observers += 1;
        super.observe(options);
      }
      override disconnect(): void {
        running.observers -= 1;
        super.disconnect();
      }
    },
  };
  return { watchers, running };
}

describe('process metrics', () => {
  it('export the Node.js process metrics the dashboards read, without the gauges promtool flags', async () => {
    const metrics = startProcessMetrics();
    const names = new Set(parseExposition(await metrics.text()).map((sample) => sample.name));
    metrics.stop();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(names).toContain(name);
    }
    for (const misnamed of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      expect(names).not.toContain(misnamed);
    }
  });

  it('stop every monitor and observer they started', () => {
    const { watchers, running } = countingWatchers();
    const first = startProcessMetrics(watchers);
    const second = startProcessMetrics(watchers);
    expect(running).toEqual({ monitors: 2, observers: 2 });
    first.stop();
    second.stop();
    expect(running).toEqual({ monitors: 0, observers: 0 });
  });
});
