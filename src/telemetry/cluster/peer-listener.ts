/**
 * The serving instance's side of the instances' local socket: each connection is one instance handing its counts
 * over (receiver.ts adds them). When its final scrape begins, it stops adding counts, so that everything it
 * acknowledged is in that scrape; what the others send from then on stays with them, for the next serving instance.
 */
import { rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { readLines, writeLine } from './lines.ts';
import { preparePeersDirectory } from './peer-socket.ts';
import { Sender, type ReceiverTargets } from './receiver.ts';

export class PeerListener {
  private readonly server: Server;
  private readonly connections = new Set<Socket>();
  private receiving = true;

  private constructor(targets: ReceiverTargets) {
    this.server = createServer((socket) => {
      this.connections.add(socket);
      socket.on('close', () => this.connections.delete(socket));
      // A peer that dies mid-write resets the connection: nothing to do but forget it.
      socket.on('error', () => undefined);
      const sender = new Sender(targets, (message) => {
        if (!socket.destroyed) writeLine(socket, message);
      });
      readLines(socket, (message) => {
        if (this.receiving && !sender.receive(message)) socket.destroy();
      });
    });
  }

  /**
   * Listens at `path`, in a directory made private to this user. This instance holds the metrics port, so a socket
   * file left there is a dead instance's and is replaced.
   */
  static async open(path: string, directory: string, targets: ReceiverTargets): Promise<PeerListener> {
    preparePeersDirectory(directory);
    await rm(path, { force: true });
    const listener = new PeerListener(targets);
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      // Exclusive: in a cluster worker a listener is otherwise shared through the cluster's primary (PM2's daemon),
      // which would keep the socket open, and take connections, after this instance is gone.
      listener.server.listen({ path, exclusive: true }, () => {
        listener.server.off('error', reject);
        resolve();
      });
    });
    // Instances that are left alone must not be kept alive by it.
    listener.server.unref();
    return listener;
  }

  /** Adds nothing more, and takes no new connection; connections stay open for the answers still due. */
  stopReceiving(): void {
    if (!this.receiving) return;
    this.receiving = false;
    this.server.close();
  }

  async close(): Promise<void> {
    this.stopReceiving();
    for (const socket of this.connections) socket.end();
    await new Promise<void>((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => {
        resolve();
      });
    });
  }
}
