/**
 * Recording cost: quietcount's `record` vs OpenTelemetry sdk-metrics `counter.add` vs prom-client `counter.inc`,
 * same two labels, same id sequence (2 event names × 100 event ids, as an app's route handler passes them: strings),
 * one process, interleaved rounds. Goal: ≤ 1/10 of OTel and ≤ 1/5 of prom-client.
 */
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { Counter, Registry } from 'prom-client';
import { createTelemetry } from '../src/index.ts';
import { referenceCatalog as catalog } from '../examples/event-directory/test/support/catalog.ts';
import { OPS, recordTimer } from './record-timer.ts';
import { fixed, interleavedMedians, table } from './support.ts';

const ROUNDS = 9;

const telemetry = createTelemetry({ catalog, env: { NODE_ENV: 'production', ANALYTICS_LOG_LEVEL: 'info' } });
const { record } = telemetry;

const otelProvider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
const otelCounter = otelProvider.getMeter('bench').createCounter('analytics_events');

const promCounter = new Counter({
  name: 'analytics_events_total',
  help: 'bench',
  labelNames: ['event_name', 'event_id'],
  registers: [new Registry()],
});

export function run(): string {
  const medians = interleavedMedians(
    {
      quietcount: recordTimer((name, id) => {
        record(name, id);
      }),
      otel: recordTimer((name, id) => {
        otelCounter.add(1, { event_name: name, event_id: id });
      }),
      promClient: recordTimer((name, id) => {
        promCounter.inc({ event_name: name, event_id: id });
      }),
    },
    ROUNDS,
  );
  const ours = medians.quietcount ?? Number.NaN;
  const otel = medians.otel ?? Number.NaN;
  const prom = medians.promClient ?? Number.NaN;
  return [
    `## Recording: ${String(OPS)} increments × ${String(ROUNDS)} interleaved rounds (median), 2 names × 100 ids`,
    '',
    "quietcount's `record()` beside OpenTelemetry's `counter.add` and prom-client's `inc()`, on the same ids in the same process. Goals: at most 1/10 of OpenTelemetry's time and 1/5 of prom-client's.",
    '',
    table(
      ['library', 'ns/op', 'quietcount / library', 'goal'],
      [
        ['quietcount record', fixed(ours), '1.00', ''],
        ['OTel sdk-metrics counter.add', fixed(otel), fixed(ours / otel, 3), `≤ 0.100 ${ours / otel <= 0.1 ? 'met' : 'MISSED'}`],
        ['prom-client counter.inc', fixed(prom), fixed(ours / prom, 3), `≤ 0.200 ${ours / prom <= 0.2 ? 'met' : 'MISSED'}`],
      ],
    ),
  ].join('\n');
}

if (import.meta.main) {
  process.stdout.write(`${run()}\n`);
  await telemetry.shutdown();
}
