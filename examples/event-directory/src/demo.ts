/**
 * `npm run demo`: realistic traffic against a running reference app (`npm start`), with a progress bar.
 *
 *   npm run demo -- --url http://127.0.0.1:8080 --requests 600 --rate 20
 */
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { runDemo } from './demo/traffic.ts';

const USAGE = `usage: npm run demo -- [--url http://127.0.0.1:8080] [--requests 600] [--rate 20] [--max-seconds 300]
                     [--events 3] [--seed N]`;

function positiveInteger(name: string, raw: string, allowZero = false): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || (!allowZero && value === 0)) throw new Error(`--${name} must be a whole number${allowZero ? '' : ' above 0'}\n${USAGE}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      requests: { type: 'string', default: '600' },
      rate: { type: 'string', default: '20' },
      'max-seconds': { type: 'string', default: '300' },
      events: { type: 'string', default: '3' },
      seed: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.warn(USAGE);
    return;
  }
  const url = new URL(values.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--url must be http(s)\n${USAGE}`);
  const requests = positiveInteger('requests', values.requests);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : positiveInteger('seed', values.seed, true);

  const bar = new SingleBar(
    { format: 'demo traffic |{bar}| {value}/{total} requests | {errors} 4xx/5xx | {eta_formatted} left', etaBuffer: 50 },
    Presets.shades_classic,
  );
  let errors = 0;
  bar.start(requests, 0, { errors });
  const summary = await runDemo({
    url: url.href,
    requests,
    rate: positiveInteger('rate', values.rate, true),
    maxDurationMs: positiveInteger('max-seconds', values['max-seconds']) * 1000,
    events: positiveInteger('events', values.events),
    seed,
    onRequest: (sent, status) => {
      if (status >= 400) errors += 1;
      bar.update(sent, { errors });
    },
  }).finally(() => {
    bar.stop();
  });
  const statuses = Object.entries(summary.statuses).map(([status, count]) => `${status}: ${String(count)}`);
  console.warn(`sent ${String(summary.sent)} requests (seed ${String(seed)}); responses ${statuses.join(', ')}`);
}

main().catch((error: unknown) => {
  const cause = (error as { cause?: { code?: unknown } }).cause?.code;
  console.error(cause === 'ECONNREFUSED' ? 'the app is not running at that URL: start it with `npm start`' : String(error));
  process.exitCode = 1;
});
