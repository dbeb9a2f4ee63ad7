/**
 * Stops an HTTP server without dropping a request that reached it before the signal:
 *   1. the connections the kernel had already queued are accepted, then the listener closes;
 *   2. every request on an accepted connection is answered, with `Connection: close` so its client goes away;
 *   3. a connection with nothing to answer is closed: at once when it has served a request, after a short window
 *      when it is new and silent;
 *   4. at the deadline whatever is left is cut.
 *
 * Node's `server.close()` alone drops and holds connections: it closes the listener at once, which resets every
 * connection still waiting in the kernel's queue (Node accepts one per round of its event loop, so a busy server
 * has some); it closes idle connections once, so one whose response is sent later stays open as keep-alive; and it
 * waits for a silent new connection until its header timeout.
 */
import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A connection accepted around the signal but silent so far gets this long to send its request: its client
 * connected to send one, and the bytes may be on their way.
 */
const FIRST_REQUEST_WINDOW_MS = 1_000;
/** Taking the connections queued before the signal stops after this even if new ones keep arriving (a flood). */
const ACCEPT_QUEUED_MAX_MS = 1_000;

interface Connection {
  /** Responses to requests already received, not finished yet (more than one when the client pipelines). */
  readonly inFlight: Set<ServerResponse>;
  /** `socket.bytesRead` when the connection last had nothing to answer: more means a request is arriving. */
  bytesReadWhenIdle: number;
}

export interface Drain {
  /** Resolves once the listener and every connection are closed; connections left after `deadlineMs` are cut. */
  drain(deadlineMs: number): Promise<void>;
}

export function trackConnections(server: Server): Drain {
  const connections = new Map<Socket, Connection>();
  let draining = false;

  const closeIfIdle = (socket: Socket, connection: Connection) => {
    const idle = connection.inFlight.size === 0 && socket.bytesRead === connection.bytesReadWhenIdle;
    // Ends after what is still buffered for the client, as Node does after a `Connection: close` response.
    if (idle && !socket.writableEnded) socket.destroySoon();
  };

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { inFlight: new Set(), bytesReadWhenIdle: 0 });
    socket.once('close', () => connections.delete(socket));
  });

  // Before the app's own listener, so the header is on the response before a handler sends it.
  server.prependListener('request', (req, res) => {
    const socket = req.socket;
    const connection = connections.get(socket);
    if (connection === undefined) return;
    connection.inFlight.add(res);
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      connection.inFlight.delete(res);
      if (connection.inFlight.size === 0) connection.bytesReadWhenIdle = socket.bytesRead;
      if (draining) closeIfIdle(socket, connection);
    });
  });

  const drain = (deadlineMs: number) =>
    new Promise<void>((resolve, reject) => {
      draining = true;
      for (const { inFlight } of connections.values()) {
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      }
      const cutOff = setTimeout(() => {
        for (const socket of connections.keys()) socket.destroy();
      }, deadlineMs);
      const firstRequestWindow = setTimeout(() => {
        for (const [socket, connection] of connections) closeIfIdle(socket, connection);
      }, Math.min(FIRST_REQUEST_WINDOW_MS, deadlineMs));
      const closed = (error?: Error) => {
        clearTimeout(cutOff);
        clearTimeout(firstRequestWindow);
        if (error) reject(error);
        else resolve();
      };
      // By now every connection accepted has been read at least once, so close() finds a request that arrived on a
      // kept-alive connection before the signal in flight rather than idle. It calls back once all are closed.
      if (server.listening) void acceptQueued(server, ACCEPT_QUEUED_MAX_MS).then(() => server.close(closed));
      else closed();
    });

  return { drain };
}

/**
 * Resolves once the connections the kernel had queued for `server` are accepted. Node accepts one connection per
 * round of the event loop, so the queue is empty after the first round that accepts none.
 */
function acceptQueued(server: Server, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let accepted = 0;
    const onConnection = () => {
      accepted += 1;
    };
    server.on('connection', onConnection);
    const started = performance.now();
    let acceptedByLastRound = -1;
    // setImmediate runs after each round's poll for I/O, where a queued connection would have been accepted.
    const round = () => {
      if (accepted === acceptedByLastRound || performance.now() - started > maxMs) {
        server.off('connection', onConnection);
        resolve();
        return;
      }
      acceptedByLastRound = accepted;
      setImmediate(round);
    };
    setImmediate(round);
  });
}
