/**
 * The dedicated metrics listener: `/metrics` for Prometheus and `/analytics/catalog` for people, apart from the
 * app's own port so that it can stay private (loopback by default) and outlive the app during shutdown.
 */
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerToken, tokenDigest, tokenMatches } from '../common/bearer.ts';
import { httpUrl } from '../common/host.ts';
import type { TelemetryConfig } from './config.ts';
import type { Exporter } from './exporter.ts';
import type { Logger } from './logger.ts';
import { Slicer } from './exposition/slicer.ts';

export interface ListeningAddress {
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, for logs and tests. */
  readonly url: string;
}

export interface MetricsServerOptions {
  readonly config: TelemetryConfig;
  readonly exporter: Exporter;
  readonly logger: Logger;
  /** What `/analytics/catalog` answers. */
  readonly catalogDocument: () => object;
}

const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** A scraper names itself with `?scraper=` (prometheus.yml `params`); anything else identifies by address. */
const SCRAPER_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
/**
 * Timeouts of the metrics listener: Prometheus sends its request at once, so a client that trickles its headers
 * is cut within seconds; keep-alive outlasts the 15 s scrape interval, so a scraper keeps its connection.
 */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const CONNECTIONS_CHECK_MS = 1_000;

/** Who is scraping, for the zero-first rule: the `scraper` parameter, or the client's address. */
function scraperOf(req: IncomingMessage): string {
  const query = (req.url ?? '').split('?', 2)[1];
  const named = query === undefined ? null : new URLSearchParams(query).get('scraper');
  if (named !== null && SCRAPER_NAME.test(named)) return `name:${named}`;
  return `address:${req.socket.remoteAddress ?? 'unknown'}`;
}

/** Someone waiting for a scrape that begins after they started waiting, and is written to its scraper in full. */
interface ScrapeWaiter {
  /** Called as such a scrape begins, before anything is collected (a stopping instance stops taking counts then). */
  readonly began: (() => void) | undefined;
  readonly written: () => void;
}

export class MetricsServer {
  private readonly options: MetricsServerOptions;
  private readonly expectedTokenDigest: Buffer | undefined;
  private readonly scrapeWaiters = new Set<ScrapeWaiter>();
  private server: Server | undefined;
  private starting = false;

  constructor(options: MetricsServerOptions) {
    this.options = options;
    const token = options.config.metricsToken;
    this.expectedTokenDigest = token === undefined ? undefined : tokenDigest(token);
  }

  /** Whether this process holds the metrics listener. */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /**
   * Binds the metrics port, then loads what scrapes need. Rejects with the listen error (`code` EADDRINUSE when the
   * port is taken), leaving nothing bound, so that a later call may try again.
   */
  async listen(): Promise<ListeningAddress> {
    if (this.server !== undefined || this.starting) throw new Error('the metrics listener is already started');
    this.starting = true;
    try {
      const address = await this.listenNow();
      await this.options.exporter.prepare();
      return address;
    } finally {
      this.starting = false;
    }
  }

  private listenNow(): Promise<ListeningAddress> {
    const server = createServer({ connectionsCheckingInterval: CONNECTIONS_CHECK_MS, requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        // The error of a collection callback may quote app data: log its kind only.
        this.options.logger.error({ errorName: error instanceof Error ? error.name : typeof error }, 'metrics request failed');
        if (!res.headersSent) reply(res, 500, 'text/plain', 'metrics collection failed\n');
        else res.destroy();
      });
    });
    const { metricsHost, metricsPort } = this.options.config;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      // In a cluster worker (one whose primary does not run quietcount), a listener of its own: a port shared through
      // the primary would hand each scrape to whichever worker's turn it is, and binding it alone is how the
      // instances of one app agree which of them serves (cluster/peers.ts).
      server.listen({ port: metricsPort, host: metricsHost, exclusive: cluster.isWorker }, () => {
        server.off('error', reject);
        this.server = server;
        const { port } = server.address() as AddressInfo;
        resolve({ host: metricsHost, port, url: httpUrl(metricsHost, port) });
      });
    });
  }

  /**
   * Resolves `true` once a scrape that began after this call has been written to its scraper in full, or `false`
   * after `graceMs`. A scrape already under way when it is called does not count: it may have been collected before
   * the last increments. `began` is called as each scrape that could count begins.
   */
  waitForNextScrape(graceMs: number, began?: () => void): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.scrapeWaiters.delete(waiter);
        resolve(false);
      }, graceMs);
      const waiter: ScrapeWaiter = {
        began,
        written: () => {
          clearTimeout(timer);
          this.scrapeWaiters.delete(waiter);
          resolve(true);
        },
      };
      this.scrapeWaiters.add(waiter);
    });
  }

  /**
   * Calls `written` once a scrape that begins after this call has been written in full (for an instance that handed
   * its last counts over: they are exported then). Returns a function that stops waiting.
   */
  afterNextScrape(written: () => void): () => void {
    const waiter: ScrapeWaiter = {
      began: undefined,
      written: () => {
        this.scrapeWaiters.delete(waiter);
        written();
      },
    };
    this.scrapeWaiters.add(waiter);
    return () => this.scrapeWaiters.delete(waiter);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics' && path !== '/analytics/catalog') {
      reply(res, 404, 'text/plain', 'not found: try /metrics or /analytics/catalog\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      reply(res, 405, 'text/plain', 'method not allowed\n');
      return;
    }
    if (!this.authorized(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="quietcount metrics"');
      reply(res, 401, 'text/plain', 'a valid bearer token is required\n');
      return;
    }
    if (path === '/analytics/catalog') {
      reply(res, 200, 'application/json', `${JSON.stringify(this.options.catalogDocument(), null, 2)}\n`);
      return;
    }
    // A HEAD is no scrape: it must not move any series along the zero-first rule.
    if (req.method === 'HEAD') {
      reply(res, 200, EXPOSITION_CONTENT_TYPE, '');
      return;
    }
    // Only who waited before this scrape began: one begun earlier may have been collected before what they wait for.
    const waiting = [...this.scrapeWaiters];
    for (const waiter of waiting) waiter.began?.();
    const answer = await this.options.exporter.scrape(scraperOf(req));
    // 'finish': every byte was handed to the scraper's socket. A scraper that hung up first saw nothing, its zeros
    // included, and its scrape is no final one.
    res.once('finish', () => {
      answer.written();
      for (const waiter of waiting) if (this.scrapeWaiters.has(waiter)) waiter.written();
    });
    res.writeHead(200, { 'Content-Type': EXPOSITION_CONTENT_TYPE, 'Cache-Control': 'no-store' });
    // Written a chunk at a time, yielding between slices: encoding the whole exposition at once would be one long
    // block of the event loop.
    const slicer = new Slicer(1);
    for (const chunk of answer.chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await drainedOrClosed(res);
      if (slicer.due()) await slicer.pause();
    }
    res.end();
  }

  private authorized(req: IncomingMessage): boolean {
    if (this.expectedTokenDigest === undefined) return true;
    const token = bearerToken(req.headers.authorization);
    return token !== undefined && tokenMatches(token, this.expectedTokenDigest);
  }
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

function reply(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}
