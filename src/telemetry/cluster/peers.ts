/**
 * PM2's cluster mode (`pm2 start app.js -i N`), or any cluster workers whose primary does not run quietcount: the
 * instances run the app's single-process code and agree among themselves which one serves the one /metrics.
 *
 * - Whoever binds the metrics port (exclusively: not shared through the cluster's primary) serves /metrics, reads
 *   the tables, and receives the others' counts on a Unix socket in a directory only this OS user may enter
 *   (peer-socket.ts), as a node:cluster primary receives its workers' (receiver.ts).
 * - The others find the port taken, connect to that socket and hand their counts over (handover.ts). When the
 *   serving instance goes away, its connections close: they try the port again at once, one of them gets it and
 *   serves from then on, starting from 0 with its own counts not yet handed over (zero first shows Prometheus the
 *   reset), and the rest connect to it.
 * So no instance dies or waits on the metrics port, and every instance's counts reach the one /metrics.
 */
import { connect, type Socket } from 'node:net';
import { httpUrl } from '../../common/host.ts';
import type { Exporter } from '../exporter.ts';
import type { Logger } from '../logger.ts';
import type { ListeningAddress, MetricsServer } from '../metrics-server.ts';
import type { UsageRecorder } from '../recorder.ts';
import { LAST_HANDOVER_TIMEOUT_MS, type Handover } from './handover.ts';
import { readLines, writeLine } from './lines.ts';
import { PeerListener } from './peer-listener.ts';
import { peerSocketPath, PeersDirectoryError } from './peer-socket.ts';
import type { ReceiverTargets } from './receiver.ts';
import { within } from './within.ts';

export interface PeerGroupParts {
  readonly host: string;
  readonly port: number;
  /** The directory of the instances' socket. */
  readonly directory: string;
  readonly server: MetricsServer;
  readonly exporter: Exporter;
  readonly usage: UsageRecorder;
  readonly handover: Handover;
  readonly targets: ReceiverTargets;
  readonly logger: Logger;
}

type State = 'starting' | 'serving' | 'connected' | 'searching' | 'stopped';

/** Between two tries to find the serving instance: quick at first (it may be starting), then once a second. */
const RETRY_FIRST_MS = 25;
const RETRY_MAX_MS = 1_000;
/** Searching this long without finding the instance that holds the port is worth a warning. */
const WARN_AFTER_MS = 10_000;

export class PeerGroup {
  private readonly parts: PeerGroupParts;
  private readonly socketPath: string;
  private state: State = 'starting';
  private joined = false;
  private listener: PeerListener | undefined;
  private socket: Socket | undefined;
  private readonly stateWaiters = new Set<() => void>();

  constructor(parts: PeerGroupParts) {
    this.parts = parts;
    this.socketPath = peerSocketPath(parts.directory, parts.host, parts.port);
  }

  get serving(): boolean {
    return this.state === 'serving';
  }

  /** The state, read anew after each wait (a method, so that no earlier check is taken to still hold). */
  private is(state: State): boolean {
    return this.state === state;
  }

  /**
   * Serves /metrics if the port is free; otherwise hands the counts over to whoever serves it, found in the
   * background. Resolves with the one metrics address in both cases. Rejects on any listen error but a taken port.
   */
  async join(): Promise<ListeningAddress> {
    if (this.joined) throw new Error('the metrics listener is already started');
    this.joined = true;
    const served = await this.tryToServe();
    if (served !== undefined) return served;
    this.setState('searching');
    void this.search().catch((error: unknown) => {
      this.parts.logger.error({ errorName: error instanceof Error ? error.name : typeof error }, 'the search for the instance serving /metrics stopped');
    });
    const { host, port } = this.parts;
    return { host, port, url: httpUrl(host, port) };
  }

  /**
   * For a stopping instance: resolves `true` once a scrape that includes everything it counted has been written in
   * full, by whichever instance serves, or `false` after `graceMs`. Should the serving instance stop first, this one
   * may come to serve that last scrape itself.
   */
  async waitForNextScrape(graceMs: number): Promise<boolean> {
    // Should this instance serve the last scrape, there is no later one to show new series after a 0.
    this.parts.exporter.releaseAll();
    // The waits below do not keep the process alive on their own (a connection or a retry must not keep an idle
    // instance running); a stopping instance must stay until it has its answer.
    const keepAlive = setTimeout(() => undefined, graceMs);
    try {
      return await this.lastScrape(graceMs);
    } finally {
      clearTimeout(keepAlive);
    }
  }

  private async lastScrape(graceMs: number): Promise<boolean> {
    const deadline = performance.now() + graceMs;
    const remaining = (): number => Math.max(0, deadline - performance.now());
    while (remaining() > 0 && this.state !== 'stopped') {
      if (this.state === 'serving') {
        return this.parts.server.waitForNextScrape(remaining(), () => this.listener?.stopReceiving());
      }
      if (this.state === 'connected') {
        if (await within(remaining(), this.parts.handover.handOverLast(), false)) return true;
        // Not acknowledged, or no scrape followed: the connection closed (the serving instance is stopping too).
        if (this.is('connected')) return false;
        continue;
      }
      await this.stateChange(remaining());
    }
    return false;
  }

  /** Hands the last counts over (or stops receiving them) and leaves the group. */
  async stop(): Promise<void> {
    const wasConnected = this.state === 'connected';
    this.setState('stopped');
    if (wasConnected) await this.parts.handover.stop(LAST_HANDOVER_TIMEOUT_MS);
    else this.parts.handover.end();
    this.socket?.end();
    await this.listener?.close();
  }

  private async tryToServe(): Promise<ListeningAddress | undefined> {
    let address: ListeningAddress;
    try {
      address = await this.parts.server.listen();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return undefined;
      throw error;
    }
    if (this.is('stopped')) {
      // Stopped while binding: the telemetry's shutdown may have closed the listener before it was up.
      await this.parts.server.close();
      return undefined;
    }
    // Nothing is in flight: this instance is not connected to another one now.
    this.parts.handover.end();
    this.parts.usage.serveOwnCounts();
    this.setState('serving');
    this.parts.logger.info({ metricsPort: address.port }, 'this instance serves /metrics with the counts of every instance');
    try {
      this.listener = await PeerListener.open(this.socketPath, this.parts.directory, this.parts.targets);
    } catch (error) {
      // The others cannot hand their counts over: say so, and serve this instance's own.
      this.parts.logger.error(
        { errorName: error instanceof Error ? error.name : typeof error, code: (error as NodeJS.ErrnoException).code, ...(error instanceof PeersDirectoryError ? { error: error.message } : {}) },
        "the instances' socket could not be opened: /metrics serves this instance's counts only",
      );
    }
    if (this.is('stopped')) await this.listener?.close();
    return address;
  }

  /** Until it serves or stops: finds the serving instance, hands over to it while it lasts, and looks again. */
  private async search(): Promise<void> {
    let delay = RETRY_FIRST_MS;
    let searchingSince = performance.now();
    let warned = false;
    let announced = false;
    while (this.is('searching')) {
      if ((await this.tryToServe()) !== undefined) return;
      const socket = await this.connect();
      if (socket !== undefined) {
        if (!announced) this.parts.logger.info({ metricsPort: this.parts.port }, 'handing counts over to the instance serving /metrics');
        announced = true;
        await new Promise<void>((resolve) => {
          socket.once('close', () => {
            resolve();
          });
        });
        delay = RETRY_FIRST_MS;
        searchingSince = performance.now();
        continue;
      }
      if (!warned && performance.now() - searchingSince > WARN_AFTER_MS) {
        warned = true;
        this.parts.logger.warn(
          { metricsPort: this.parts.port },
          'the metrics port is taken, but no instance of this app answers on its socket: is another program listening on METRICS_PORT?',
        );
      }
      await this.stateChange(delay);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  }

  /** A connection to the serving instance, or `undefined` when none answers (yet). */
  private connect(): Promise<Socket | undefined> {
    return new Promise((resolve) => {
      const socket = connect(this.socketPath);
      const failed = (): void => {
        socket.destroy();
        resolve(undefined);
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        if (this.state !== 'searching') {
          socket.destroy();
          resolve(undefined);
          return;
        }
        this.attach(socket);
        resolve(socket);
      });
    });
  }

  private attach(socket: Socket): void {
    const { handover } = this.parts;
    // A connection alone must not keep an instance alive.
    socket.unref();
    socket.on('error', () => undefined);
    socket.once('close', () => {
      this.socket = undefined;
      // Before the handover hears of it: whoever waits on it finds the state already changed.
      if (this.state === 'connected') this.setState('searching');
      handover.disconnected();
    });
    readLines(socket, (message) => {
      if (!handover.receive(message)) socket.destroy();
    });
    this.socket = socket;
    handover.connect({
      send: (message) => {
        if (socket.destroyed || !socket.writable) return false;
        writeLine(socket, message);
        return true;
      },
    });
    this.setState('connected');
  }

  private setState(state: State): void {
    this.state = state;
    for (const notify of [...this.stateWaiters]) notify();
  }

  /** Resolves when the state changes, or after `ms`. */
  private stateChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.stateWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.stateWaiters.add(done);
    });
  }
}
