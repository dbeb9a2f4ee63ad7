/**
 * `WEB_CONCURRENCY=N npm start`: the reference app as N node:cluster workers behind one port, the way Node apps use
 * their cores, with one /metrics for all of them.
 *
 * The primary serves no requests: it opens (and migrates) the database first, reads the append-only tables for the
 * table counters (once, whatever N is), serves /metrics with every worker's counts (quietcount receives them over
 * the IPC channel), and replaces a worker that dies. Each worker is the app of server.ts; its quietcount hands its
 * counts over to the primary.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { createTelemetry, type ListeningAddress } from 'quietcount';
import type { AppConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import { observeUsageTables } from './db/usage-counts.ts';
import { catalog, type AppTelemetry } from './telemetry.ts';

/** A worker that dies sooner than this after its start is not replaced at once: a crash loop must not spin. */
const MIN_WORKER_LIFETIME_MS = 5_000;
const RESTART_DELAY_MS = 1_000;

export interface Primary {
  readonly telemetry: AppTelemetry;
  readonly metrics: ListeningAddress;
  /** Stops replacing workers, asks each to stop (they drain and hand their last counts over), awaits their exits. */
  stopWorkers(timeoutMs: number): Promise<void>;
  /** The telemetry and the database. */
  close(): Promise<void>;
}

export async function startPrimary(config: AppConfig, env: NodeJS.ProcessEnv, logger: Logger): Promise<Primary> {
  const telemetry = createTelemetry({ catalog, env, logger: logger.child({ name: 'quietcount' }) });
  const { db } = openDatabase(config.databasePath, config.emailKey);
  observeUsageTables(telemetry, db);
  const metrics = await telemetry.startMetricsServer();

  let stopping = false;
  const startedAt = new Map<Worker, number>();
  const fork = (): void => {
    const worker = cluster.fork();
    startedAt.set(worker, performance.now());
  };
  cluster.on('exit', (worker, code, signal) => {
    const lived = performance.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    if (stopping) return;
    // What it handed over stays counted; what it had not (at most one handover interval) is lost with it.
    logger.warn({ workerPid: worker.process.pid, code, signal }, 'worker exited; starting another');
    setTimeout(fork, lived < MIN_WORKER_LIFETIME_MS ? RESTART_DELAY_MS : 0).unref();
  });
  for (let index = 0; index < config.webConcurrency; index += 1) fork();

  return {
    telemetry,
    metrics,
    stopWorkers: async (timeoutMs) => {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) {
                resolve();
                return;
              }
              const timer = setTimeout(() => {
                worker.process.kill('SIGKILL');
              }, timeoutMs);
              worker.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              worker.process.kill('SIGTERM');
            }),
        ),
      );
    },
    close: async () => {
      await telemetry.shutdown();
      db.close();
    },
  };
}
