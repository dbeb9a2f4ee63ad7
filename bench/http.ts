/**
 * HTTP overhead, per framework: the same route served without HTTP instrumentation, with quietcount's counter, and
 * with the framework's usual metrics plugin (bench/http-frameworks.ts), under autocannon on loopback. Each app runs in
 * its own process (bench/http-app.ts); the load comes from this one.
 *
 * On a shared VM the speed of a core moves by several percent from one second to the next, and a process's JIT and
 * memory layout make it a few percent faster or slower than another process running the same code. So a framework's
 * three apps are loaded at the same time, all pinned to one core (the load generator to the other), where they share
 * that core's speed and the scheduler's fair share; and each launch starts fresh processes, several launches of a
 * few rounds each, so that no one process's luck decides. The figure is the app's CPU time per request (its main
 * thread) against the uninstrumented app's in the same round. Goals: quietcount's added CPU per request at most half
 * the plugin's, for every framework; and for the reference app (express), under +2% with the spread of the per-round
 * figures (interquartile range) narrower than that. Throughput beside it. Without `taskset` (Linux's util-linux) or
 * a second core, the apps run unpinned.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import type { CpuMessage, ReadyMessage } from './http-app.ts';
import { FRAMEWORKS, VARIANTS, type FrameworkName, type Variant } from './http-frameworks.ts';
import { fixed, median, quantile, table } from './support.ts';

const CONNECTIONS = 50;
const SECONDS = 4;
const WARMUP_SECONDS = 3;
const LAUNCHES = 8;
const ROUNDS_PER_LAUNCH = 3;
/** The apps' core and the load generator's. */
const APP_CPU = '1';
const LOAD_CPU = '0';
/** quietcount's added CPU per request, at most this share of the plugin's. */
const GOAL_MAX_SHARE_OF_PLUGIN = 0.5;
/** The reference app's goal: quietcount's middleware adds less than this to its CPU per request. */
const GOAL_MAX_CPU_COST = 0.02;
const READY_TIMEOUT_MS = 60_000;

interface RunningApp extends ReadyMessage {
  readonly child: ChildProcess;
}

/** Pins this process (every thread) to the load generator's core; false when that cannot be done here. */
function pinLoadGenerator(): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function startApp(framework: FrameworkName, variant: Variant, pinned: boolean): Promise<RunningApp> {
  const child = fork(new URL('./http-app.ts', import.meta.url), [framework, variant], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(pinned ? { execPath: 'taskset', execArgv: ['--cpu-list', APP_CPU, process.execPath] } : {}),
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the ${framework} ${variant} app was not ready within ${String(READY_TIMEOUT_MS)} ms`));
    }, READY_TIMEOUT_MS);
    child.once('message', (message: ReadyMessage) => {
      clearTimeout(timer);
      resolve({ ...message, child });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${framework} ${variant} app exited (${String(code)}) before it was ready`));
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

/**
 * Loads every app at once for `seconds`. Each app's CPU time is read before any load starts and after every load
 * has ended, so all apps are measured over the same window (an app whose load ended first is idle, using no CPU).
 */
async function loadAll(apps: readonly RunningApp[], seconds: number): Promise<Run[]> {
  const cpuBefore = await Promise.all(apps.map(cpuMicros));
  const results = await Promise.all(
    apps.map((app) =>
      autocannon({ url: app.url, connections: CONNECTIONS, duration: seconds, requests: app.paths.map((path) => ({ method: 'GET', path })) }),
    ),
  );
  const cpuAfter = await Promise.all(apps.map(cpuMicros));
  return results.map((result, index) => {
    // A benchmark of error pages would measure nothing we care about.
    if (result.errors > 0 || result.non2xx > 0) {
      throw new Error(`${apps[index]?.url ?? ''}: ${String(result.errors)} connection errors, ${String(result.non2xx)} non-2xx responses`);
    }
    const cpu = (cpuAfter[index] ?? 0) - (cpuBefore[index] ?? 0);
    return { perSecond: result.requests.total / result.duration, p99Ms: result.latency.p99, cpuMicrosPerRequest: cpu / result.requests.total };
  });
}

/** Every round of each variant of one framework, in VARIANTS' order. */
async function measure(framework: FrameworkName, pinned: boolean): Promise<Run[][]> {
  const rounds = VARIANTS.map(() => [] as Run[]);
  for (let launch = 0; launch < LAUNCHES; launch += 1) {
    // Each launch starts the apps in another order, so none is always the first one forked and loaded.
    const order = VARIANTS.map((_, turn) => (launch + turn) % VARIANTS.length);
    const apps: RunningApp[] = [];
    try {
      for (const index of order) apps.push(await startApp(framework, VARIANTS[index] ?? 'none', pinned));
      await loadAll(apps, WARMUP_SECONDS);
      for (let round = 0; round < ROUNDS_PER_LAUNCH; round += 1) {
        const runs = await loadAll(apps, SECONDS);
        runs.forEach((run, turn) => rounds[order[turn] ?? 0]?.push(run));
      }
    } finally {
      await Promise.all(apps.map(stopApp));
    }
  }
  return rounds;
}

const percent = (ratio: number): string => `${ratio >= 0 ? '+' : ''}${fixed(ratio * 100)}%`;
const perLaunch = (ratios: number[]) =>
  Array.from({ length: LAUNCHES }, (_, launch) => median(ratios.slice(launch * ROUNDS_PER_LAUNCH, (launch + 1) * ROUNDS_PER_LAUNCH)));

interface FrameworkResult {
  readonly rows: string[][];
  readonly goals: string[];
}

function report(framework: FrameworkName, rounds: Run[][]): FrameworkResult {
  const { title, peer } = FRAMEWORKS[framework];
  const baseline = rounds[0] ?? [];
  // Each round's figure divided by the uninstrumented app's in the same round, on the same core at the same time.
  const pairedRatios = (runs: Run[], figure: (run: Run) => number) => runs.map((run, round) => figure(run) / figure(baseline[round] ?? run));
  const labels: Record<Variant, string> = { none: 'no HTTP instrumentation', quietcount: 'quietcount', peer };
  const addedCpu = VARIANTS.map((_, index) => median(pairedRatios(rounds[index] ?? [], (run) => run.cpuMicrosPerRequest)) - 1);
  const rows = VARIANTS.map((variant, index) => {
    const runs = rounds[index] ?? [];
    const throughput = pairedRatios(runs, (run) => run.perSecond);
    const cpuRatios = pairedRatios(runs, (run) => run.cpuMicrosPerRequest);
    return [
      index === 0 ? title : '',
      labels[variant],
      fixed(median(runs.map((run) => run.perSecond)), 0),
      `${fixed(median(throughput), 3)} (${fixed(Math.min(...throughput), 3)} – ${fixed(Math.max(...throughput), 3)})`,
      String(median(runs.map((run) => run.p99Ms))),
      `${fixed(median(runs.map((run) => run.cpuMicrosPerRequest)))} (${percent(addedCpu[index] ?? 0)})`,
      variant === 'none' ? '' : `${percent(quantile(cpuRatios, 0.25) - 1)} – ${percent(quantile(cpuRatios, 0.75) - 1)}`,
      variant === 'none' ? '' : perLaunch(cpuRatios).map((ratio) => percent(ratio - 1)).join(', '),
    ];
  });
  const ours = addedCpu[1] ?? 0;
  const theirs = addedCpu[2] ?? 0;
  const share = theirs > 0 ? ours / theirs : Number.POSITIVE_INFINITY;
  const goals = [
    `${title}: quietcount adds ${percent(ours)} CPU per request, ${peer} ${percent(theirs)}: ${fixed(share, 2)} of the plugin's, goal ≤ ${fixed(GOAL_MAX_SHARE_OF_PLUGIN, 2)}: ${share <= GOAL_MAX_SHARE_OF_PLUGIN ? 'met' : 'MISSED'}`,
  ];
  if (framework === 'express') {
    const cpuRatios = pairedRatios(rounds[1] ?? [], (run) => run.cpuMicrosPerRequest);
    const spread = quantile(cpuRatios, 0.75) - quantile(cpuRatios, 0.25);
    goals.push(
      `${title}, the reference app: CPU < ${percent(GOAL_MAX_CPU_COST)}: ${percent(ours)} ${ours < GOAL_MAX_CPU_COST ? 'met' : 'MISSED'}; spread ${fixed(spread * 100)} points ${spread < GOAL_MAX_CPU_COST ? '< 2: met' : '≥ 2: MISSED'}`,
    );
  }
  return { rows, goals };
}

const pinned = pinLoadGenerator();
const wanted = (process.env.BENCH_HTTP_FRAMEWORKS ?? Object.keys(FRAMEWORKS).join(',')).split(',') as FrameworkName[];
const results: FrameworkResult[] = [];
for (const framework of wanted) {
  if (!Object.hasOwn(FRAMEWORKS, framework)) throw new Error(`BENCH_HTTP_FRAMEWORKS: unknown framework ${framework}`);
  results.push(report(framework, await measure(framework, pinned)));
}
const setting = pinned
  ? `each framework's three apps at once, pinned to core ${APP_CPU}, the load generator to core ${LOAD_CPU}`
  : "each framework's three apps at once, unpinned (no taskset or a single core)";
const routes = wanted.map((framework) => `${FRAMEWORKS[framework].title}: ${FRAMEWORKS[framework].route}`).join('; ');
process.stdout.write(
  [
    `## HTTP overhead per framework: GET /api/events/:eventId/directory, autocannon ${String(CONNECTIONS)} connections per app × ${String(SECONDS)} s, ${String(LAUNCHES)} launches × ${String(ROUNDS_PER_LAUNCH)} rounds (median of ${String(LAUNCHES * ROUNDS_PER_LAUNCH)}), ${setting}`,
    '',
    `The app's CPU time per request with quietcount's counter and with the framework's usual metrics plugin, against the same route without HTTP instrumentation (${routes}). Goal: quietcount adds at most half the plugin's CPU per request; the reference app, under +2%.`,
    '',
    table(
      [
        'framework',
        'variant',
        'req/s (median)',
        'throughput ratio to uninstrumented: median (lowest – highest round)',
        'p99 latency (ms)',
        'app CPU µs/request (median, vs uninstrumented)',
        'CPU vs uninstrumented, interquartile range of rounds',
        'CPU vs uninstrumented, median of each launch',
      ],
      results.flatMap((result) => result.rows),
    ),
    '',
    ...results.flatMap((result) => result.goals.map((goal) => `- ${goal}`)),
    '',
    "Ratios are per round, against the uninstrumented app in the same round. A framework's apps share one core, each about a third of it, so a round's throughput follows its CPU per request; latencies are those of a core shared three ways.",
    '',
  ].join('\n'),
);
