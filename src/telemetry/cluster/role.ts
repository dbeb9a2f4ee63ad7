/**
 * Which part a process plays when an app runs as several processes on one host. A process whose quietcount
 * receives its node:cluster workers' counts says so to the workers it forks through the environment they inherit;
 * a worker hands its counts over on the IPC channel only to such a primary. A cluster worker whose primary does not
 * run quietcount (PM2's cluster mode, whose primary is PM2's daemon) is a peer: the instances agree among themselves
 * which one serves /metrics (peers.ts).
 */
import cluster from 'node:cluster';

export const PRIMARY_VARIABLE = 'QUIETCOUNT_CLUSTER_PRIMARY';

/**
 * - `standalone`: one process serving its own counts.
 * - `primary`: receives its node:cluster workers' counts and serves them (the first telemetry created in a process
 *   that is no cluster worker).
 * - `worker`: a node:cluster worker of such a primary; hands its counts over to it.
 * - `peer`: one of several instances with no quietcount primary (PM2's cluster mode); hands its counts over to the
 *   instance serving /metrics.
 * - `serving-peer`: that instance: it serves /metrics with every instance's counts.
 */
export type ClusterRole = 'standalone' | 'primary' | 'worker' | 'peer' | 'serving-peer';

/** How a process starts out, before any listener is up. */
export type ClusterMode = 'worker' | 'peer' | 'single';

/** `worker` for a worker forked by a process whose quietcount receives counts, `peer` for another cluster worker. */
export function clusterMode(env: NodeJS.ProcessEnv = process.env): ClusterMode {
  if (!cluster.isWorker || process.send === undefined) return 'single';
  return env[PRIMARY_VARIABLE] === String(process.ppid) ? 'worker' : 'peer';
}

/** Marks this process as the one workers forked from now on hand their counts to. */
export function announcePrimary(): void {
  process.env[PRIMARY_VARIABLE] = String(process.pid);
}

export function withdrawPrimary(): void {
  if (process.env[PRIMARY_VARIABLE] === String(process.pid)) Reflect.deleteProperty(process.env, PRIMARY_VARIABLE);
}
