/**
 * Which part a process plays when an app runs as node:cluster workers (so also under PM2 in fork mode with the app's
 * own primary). A process whose quietcount receives its workers' counts says so to the workers it forks through
 * the environment they inherit; a worker hands its counts over only to such a primary, so that a primary that does
 * not run quietcount (PM2's cluster mode, whose primary is PM2 itself) never swallows them.
 */
import cluster from 'node:cluster';

export const PRIMARY_VARIABLE = 'QUIETCOUNT_CLUSTER_PRIMARY';

export type ClusterRole = 'standalone' | 'primary' | 'worker';

/** `worker` when this process is a cluster worker forked by a process whose quietcount receives counts. */
export function isHandoverWorker(env: NodeJS.ProcessEnv = process.env): boolean {
  return cluster.isWorker && env[PRIMARY_VARIABLE] === String(process.ppid);
}

/** Marks this process as the one workers forked from now on hand their counts to. */
export function announcePrimary(): void {
  process.env[PRIMARY_VARIABLE] = String(process.pid);
}

export function withdrawPrimary(): void {
  if (process.env[PRIMARY_VARIABLE] === String(process.pid)) Reflect.deleteProperty(process.env, PRIMARY_VARIABLE);
}
