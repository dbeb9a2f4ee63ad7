/**
 * Newline-delimited JSON over a stream socket: how the instances' messages are framed on their local socket. A line
 * longer than the ceiling ends the connection rather than growing a buffer without end.
 */
import type { Socket } from 'node:net';

/** Far above a message at the largest bound (handover.ts caps a message at 50,000 series). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Calls `onMessage` with each line parsed; destroys the socket on a line too long or not JSON. */
export function readLines(socket: Socket, onMessage: (message: unknown) => void): void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  socket.on('data', (data: Buffer) => {
    let start = 0;
    for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10, start)) {
      const line = Buffer.concat([...pending, data.subarray(start, newline)]).toString('utf8');
      pending = [];
      pendingBytes = 0;
      start = newline + 1;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        socket.destroy();
        return;
      }
      onMessage(message);
      if (socket.destroyed) return;
    }
    pending.push(data.subarray(start));
    pendingBytes += data.length - start;
    if (pendingBytes > MAX_LINE_BYTES) socket.destroy();
  });
}

export function writeLine(socket: Socket, message: unknown): void {
  socket.write(`${JSON.stringify(message)}\n`);
}
