/**
 * HTTP overhead: the reference app's directory route (full pages of visible profiles from SQLite, several events)
 * under autocannon on loopback, without HTTP instrumentation, with quietcount's middleware, and with
 * express-prom-bundle. Each app runs in its own process (bench/http-app.ts); the load comes from this one. Rounds are
 * interleaved, each starting one variant later than the previous (A B C, B C A, …) so no variant always runs right
 * after the same neighbour. Goal: the app's CPU time per request with quietcount's middleware under +2% of the
 * uninstrumented app's (its main thread's CPU time), with the spread of the per-round figures (interquartile range)
 * narrower than the goal; throughput beside it. CPU time per request is the app's own, so a neighbour's load on the
 * machine moves it far less than it moves throughput.
 */
import { fork, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import type { CpuMessage, ReadyMessage, Variant } from './http-app.ts';
import { fixed, median, quantile, table } from './support.ts';

const CANDIDATES: readonly { variant: Variant; label: string }[] = [
  { variant: 'none', label: 'no HTTP instrumentation' },
  { variant: 'quietcount', label: 'quietcount middleware' },
  { variant: 'express-prom-bundle', label: 'express-prom-bundle (method + route template)' },
];
const CONNECTIONS = 50;
const SECONDS = 4;
const WARMUP_SECONDS = 3;
const ROUNDS = 15;
const GOAL_MAX_CPU_COST = 0.02;
const READY_TIMEOUT_MS = 30_000;

interface RunningApp extends ReadyMessage {
  readonly child: ChildProcess;
}

function startApp(variant: Variant): Promise<RunningApp> {
  const child = fork(new URL('./http-app.ts', import.meta.url), [variant], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the ${variant} app was not ready within ${String(READY_TIMEOUT_MS)} ms`));
    }, READY_TIMEOUT_MS);
    child.once('message', (message: ReadyMessage) => {
      clearTimeout(timer);
      resolve({ ...message, child });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${variant} app exited (${String(code)}) before it was ready`));
    });
  });
}

function stopApp({ child }: RunningApp): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => {
      resolve();
    });
    child.send('stop');
  });
}

function cpuMicros({ child }: RunningApp): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message: CpuMessage) => {
      resolve(message.cpuMicros);
    });
    child.send('cpu');
  });
}

interface Run {
  readonly perSecond: number;
  readonly p99Ms: number;
  /** The app's own CPU time per request: what instrumentation adds, whatever else the machine runs meanwhile. */
  readonly cpuMicrosPerRequest: number;
}

async function load(app: RunningApp, seconds: number): Promise<Run> {
  const cpuBefore = await cpuMicros(app);
  const result = await autocannon({
    url: app.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: app.paths.map((path) => ({ method: 'GET', path })),
  });
  // A benchmark of error pages would measure nothing we care about.
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${app.url}: ${String(result.errors)} connection errors, ${String(result.non2xx)} non-2xx responses`);
  }
  const cpu = (await cpuMicros(app)) - cpuBefore;
  return { perSecond: result.requests.total / result.duration, p99Ms: result.latency.p99, cpuMicrosPerRequest: cpu / result.requests.total };
}

const apps: RunningApp[] = [];
try {
  for (const { variant } of CANDIDATES) apps.push(await startApp(variant));
  for (const app of apps) await load(app, WARMUP_SECONDS);
  const rounds = apps.map(() => [] as Run[]);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let turn = 0; turn < apps.length; turn += 1) {
      const index = (round + turn) % apps.length;
      const app = apps[index];
      if (app !== undefined) rounds[index]?.push(await load(app, SECONDS));
    }
  }
  const baseline = rounds[0] ?? [];
  // Each round's figure divided by the uninstrumented app's in the same round: a slow drift of the machine's load
  // cancels out, and the median drops the rounds that a neighbour's burst disturbed.
  const pairedRatios = (runs: Run[], figure: (run: Run) => number) =>
    runs.map((run, round) => figure(run) / figure(baseline[round] ?? run));
  const percent = (ratio: number): string => `${ratio >= 0 ? '+' : ''}${fixed(ratio * 100)}%`;
  const rows = CANDIDATES.map(({ variant, label }, index) => {
    const runs = rounds[index] ?? [];
    const throughput = pairedRatios(runs, (run) => run.perSecond);
    const cpuRatios = pairedRatios(runs, (run) => run.cpuMicrosPerRequest);
    const cpu = median(cpuRatios) - 1;
    const spread = quantile(cpuRatios, 0.75) - quantile(cpuRatios, 0.25);
    const goal =
      variant === 'quietcount'
        ? `CPU < ${percent(GOAL_MAX_CPU_COST)}: ${percent(cpu)} ${cpu < GOAL_MAX_CPU_COST ? 'met' : 'MISSED'}; spread ${fixed(spread * 100)} points ${spread < GOAL_MAX_CPU_COST ? '< 2: met' : '≥ 2: MISSED'}`
        : '';
    return [
      label,
      fixed(median(runs.map((run) => run.perSecond)), 0),
      fixed(median(throughput), 3),
      `${fixed(Math.min(...throughput), 3)} – ${fixed(Math.max(...throughput), 3)}`,
      String(median(runs.map((run) => run.p99Ms))),
      `${fixed(median(runs.map((run) => run.cpuMicrosPerRequest)))} (${percent(cpu)})`,
      variant === 'none' ? '' : `${percent(quantile(cpuRatios, 0.25) - 1)} – ${percent(quantile(cpuRatios, 0.75) - 1)}`,
      goal,
    ];
  });
  process.stdout.write(
    [
      `## HTTP overhead: GET /api/events/:eventId/directory (${String(apps[0]?.paths.length)} events, full pages), autocannon ${String(CONNECTIONS)} connections × ${String(SECONDS)} s, ${String(ROUNDS)} interleaved rounds (median), app and load in separate processes`,
      '',
      table(
        ['variant', 'req/s (median)', 'throughput ratio to uninstrumented (median)', 'throughput ratio, lowest – highest round', 'p99 latency (ms)', 'app CPU µs/request (median, vs uninstrumented)', 'CPU vs uninstrumented, interquartile range of rounds', 'goal'],
        rows,
      ),
      '',
      'Ratios are per round, against the uninstrumented app in the same round. Throughput moves with whatever else the machine runs; the app\'s own CPU time per request far less, which is why the goal is on it.',
      '',
    ].join('\n'),
  );
} finally {
  await Promise.all(apps.map(stopApp));
}
