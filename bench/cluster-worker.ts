/**
 * One worker of bench/cluster.ts: quietcount in a node:cluster worker with both in-memory counters full at the
 * default bound, under a steady trickle of increments (so every handover carries counts), answering the primary's
 * requests: `time` (ns per record(), as bench/recording.ts measures it) and `measure-start` / `measure-stop` (the
 * longest event-loop block meanwhile).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { createTelemetry } from '../src/index.ts';
import { referenceCatalog as catalog } from '../examples/event-directory/test/support/catalog.ts';
import { recordTimer } from './record-timer.ts';

const telemetry = createTelemetry({ catalog, env: { ...process.env, NODE_ENV: 'production' } });
if (telemetry.role !== 'worker') throw new Error(`expected a worker, got ${telemetry.role}`);
for (const eventName of ['directory_page_view', 'directory_search'] as const) {
  for (let id = 1; id <= DEFAULT_MAX_EVENT_IDS + 1; id += 1) telemetry.record(eventName, id, 3);
}
const timeRecords = recordTimer(telemetry.record);

// A trickle of traffic: 50 increments every millisecond, spread over the admitted ids.
let next = 0;
const trickle = setInterval(() => {
  for (let index = 0; index < 50; index += 1) telemetry.record('directory_page_view', (next++ % DEFAULT_MAX_EVENT_IDS) + 1);
}, 1);

let delay: ReturnType<typeof monitorEventLoopDelay> | undefined;
process.on('message', (message: string) => {
  if (message === 'time') {
    process.send?.({ nsPerRecord: timeRecords() });
  } else if (message === 'measure-start') {
    delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    process.send?.({ measuring: true });
  } else if (message === 'measure-stop') {
    delay?.disable();
    process.send?.({ blockMs: (delay?.max ?? 0) / 1e6 });
  } else if (message === 'stop') {
    clearInterval(trickle);
    void telemetry.shutdown().then(() => {
      process.disconnect();
    });
  }
});
process.send?.({ ready: true });
