/**
 * One PM2-style instance of bench/cluster.ts: the app's single-process code (startMetricsServer on a fixed port, the
 * tables registered) in a cluster worker whose primary runs no quietcount, as under `pm2 start app.js -i 4`. Both
 * in-memory counters full at the default bound, under a steady trickle of increments (so every handover carries
 * counts). Answers the primary: `time` (ns per record(), as bench/recording.ts measures it), `measure-start` /
 * `measure-stop` (the longest event-loop block meanwhile) and, in the instance serving /metrics, `scrape` (its own
 * scrape measurement, bench/scrape-measure.ts, with the scraper on a thread of its own).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_MAX_EVENT_IDS } from '../src/schema/bounds.ts';
import { createTelemetry } from '../src/index.ts';
import { referenceCatalog as catalog, usageEvents, type TableEventName } from '../examples/event-directory/test/support/catalog.ts';
import { recordTimer } from './record-timer.ts';
import { measureScrapes } from './scrape-measure.ts';

const telemetry = createTelemetry({ catalog, env: { ...process.env, NODE_ENV: 'production' } });
const rows = Array.from({ length: DEFAULT_MAX_EVENT_IDS + 1 }, (_, index) => ({ eventId: index + 1, count: 3 }));
for (const [eventName, event] of Object.entries(usageEvents)) {
  // Every instance registers the tables, as one process does; only the one serving /metrics reads them.
  if (event.source === 'table') telemetry.observeTable(eventName as TableEventName, () => rows);
}
for (const eventName of ['directory_page_view', 'directory_search'] as const) {
  for (let id = 1; id <= DEFAULT_MAX_EVENT_IDS + 1; id += 1) telemetry.record(eventName, id, 3);
}
const address = await telemetry.startMetricsServer();
const timeRecords = recordTimer(telemetry.record);

// A trickle of traffic: 50 increments every millisecond, spread over the admitted ids.
let next = 0;
const trickle = setInterval(() => {
  for (let index = 0; index < 50; index += 1) telemetry.record('directory_page_view', (next++ % DEFAULT_MAX_EVENT_IDS) + 1);
}, 1);

let delay: ReturnType<typeof monitorEventLoopDelay> | undefined;
process.on('message', (message: unknown) => {
  if (message === 'time') {
    process.send?.({ nsPerRecord: timeRecords() });
  } else if (message === 'measure-start') {
    delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    process.send?.({ measuring: true });
  } else if (message === 'measure-stop') {
    delay?.disable();
    process.send?.({ blockMs: (delay?.max ?? 0) / 1e6 });
  } else if (message === 'scrape') {
    void (async () => {
      const measured = await measureScrapes(`${address.url}/metrics`);
      const series = (await telemetry.metricsText()).split('\n').filter((line) => line.startsWith('analytics_events_total{')).length;
      process.send?.({ scraped: { ...measured, series } });
    })();
  } else if (message === 'stop') {
    clearInterval(trickle);
    void telemetry.shutdown().then(() => {
      process.disconnect();
    });
  }
});
process.send?.({ ready: true, role: telemetry.role });
