/**
 * The app's HTTP server, with deliberate bounds on slow clients: a client that trickles its headers or its body, or
 * keeps an idle connection open, gives its socket back within the configured time instead of Node's defaults.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { HttpTimeouts } from './config.ts';

/**
 * Node enforces the header and request bounds on a timer that sweeps every connection, not per socket, so a bound
 * is only as sharp as the sweep: its 30 s default is why a 60 s header bound used to take about 85 s.
 */
const LONGEST_SWEEP_MS = 1_000;

export function createHttpServer(timeouts: HttpTimeouts, listener: RequestListener): Server {
  return createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      // Set even where it equals Node's default: newer Node versions raise that default to 65 s.
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(LONGEST_SWEEP_MS, Math.ceil(timeouts.headersTimeoutMs / 4)),
    },
    listener,
  );
}
