/**
 * node:cluster with the app's own primary: the workers hand their counts over on the IPC channel node:cluster gives
 * every worker, and the primary answers on it.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Handover } from './handover.ts';
import type { ReceiverMessage } from './messages.ts';
import { Sender, type ReceiverTargets } from './receiver.ts';
import { announcePrimary, withdrawPrimary } from './role.ts';

export interface IpcReceiver {
  stop(): void;
}

/** One receiver per process: two would add every handover twice. */
let active: IpcReceiver | undefined;

/**
 * Starts receiving the workers' counts, or returns `undefined` when another telemetry instance of this process
 * already does, or when this process is itself a cluster worker (it has no workers of its own to receive from).
 */
export function startIpcReceiver(targets: ReceiverTargets): IpcReceiver | undefined {
  if (active !== undefined || cluster.isWorker) return undefined;
  const senders = new Map<Worker, Sender>();
  const senderOf = (worker: Worker): Sender => {
    let sender = senders.get(worker);
    if (sender === undefined) {
      sender = new Sender(targets, (message: ReceiverMessage) => {
        // A worker that died meanwhile: nothing to answer.
        if (worker.isConnected()) worker.send(message, undefined, {}, () => undefined);
      });
      senders.set(worker, sender);
    }
    return sender;
  };
  const onMessage = (worker: Worker, message: unknown): void => {
    senderOf(worker).receive(message);
  };
  const onExit = (worker: Worker): void => {
    senders.delete(worker);
  };
  cluster.on('message', onMessage);
  cluster.on('exit', onExit);
  announcePrimary();
  const receiver: IpcReceiver = {
    stop: () => {
      cluster.off('message', onMessage);
      cluster.off('exit', onExit);
      withdrawPrimary();
      if (active === receiver) active = undefined;
    },
  };
  active = receiver;
  return receiver;
}

/** A worker's side: `handover` sends on the IPC channel and hears the primary's answers on it. Returns a stop. */
export function connectToPrimary(handover: Handover): () => void {
  const onMessage = (message: unknown): void => {
    handover.receive(message);
  };
  const onDisconnect = (): void => {
    handover.disconnected();
  };
  process.on('message', onMessage);
  process.on('disconnect', onDisconnect);
  handover.connect({
    send: (message) => {
      if (process.send === undefined || !process.connected) return false;
      process.send(message, undefined, {}, (error: Error | null) => {
        if (error !== null) handover.disconnected();
      });
      return true;
    },
  });
  return () => {
    process.off('message', onMessage);
    process.off('disconnect', onDisconnect);
  };
}
