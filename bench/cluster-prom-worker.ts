/**
 * One worker of prom-client's cluster answer in bench/cluster.ts: a prom-client counter holding the same series as
 * a quietcount instance there (both in-memory counters at the default bound; the worker with TABLES=1 also the
 * five table counters, as one quietcount instance reads the tables), under the same trickle, answering the
 * primary's AggregatorRegistry with its registry at each scrape, and `measure-start` / `measure-stop`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AggregatorRegistry, Counter, Registry } from 'prom-client';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { eventNames, usageEvents } from '../examples/event-directory/test/support/catalog.ts';

const registry = new Registry();
AggregatorRegistry.setRegistries(registry);
// Constructing one is what makes a worker answer the primary's requests for its metrics.
new AggregatorRegistry();
const counter = new Counter({ name: 'analytics_events_total', help: 'bench', labelNames: ['event_name', 'event_id'], registers: [registry] });
for (const eventName of eventNames) {
  if (usageEvents[eventName].source === 'table' && process.env.TABLES !== '1') continue;
  for (let id = 1; id <= DEFAULT_MAX_EVENT_IDS + 1; id += 1) counter.inc({ event_name: eventName, event_id: String(id) }, 3);
}

let next = 0;
const trickle = setInterval(() => {
  for (let index = 0; index < 50; index += 1) counter.inc({ event_name: 'directory_page_view', event_id: String((next++ % DEFAULT_MAX_EVENT_IDS) + 1) });
}, 1);

let delay: ReturnType<typeof monitorEventLoopDelay> | undefined;
process.on('message', (message: unknown) => {
  if (message === 'measure-start') {
    delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    process.send?.({ measuring: true });
  } else if (message === 'measure-stop') {
    delay?.disable();
    process.send?.({ blockMs: (delay?.max ?? 0) / 1e6 });
  } else if (message === 'stop') {
    clearInterval(trickle);
    process.disconnect();
  }
});
process.send?.({ ready: true });
