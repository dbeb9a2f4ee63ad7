/**
 * Where the instances of one app (PM2's cluster mode) meet: a Unix socket in a directory only this OS user may
 * enter (mode 0700), named after the metrics listener's host and port, so that two apps on one host, each with its
 * own metrics port, never mix their counts.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The message names the setting, not the path: a configured path may hold an account name, and it is logged. */
export class PeersDirectoryError extends Error {
  constructor() {
    super("the instances' directory (ANALYTICS_PEERS_DIR) must be a directory of this user that no one else may enter (mode 0700)");
    this.name = 'PeersDirectoryError';
  }
}

/** One directory per OS user, in the system's temporary directory. */
export function defaultPeersDirectory(): string {
  return join(tmpdir(), `quietcount-${String(process.getuid?.() ?? 'user')}`);
}

/** The port in the name for people; a digest of host and port keeps it short (a socket path has about 100 bytes). */
export function peerSocketPath(directory: string, host: string, port: number): string {
  const digest = createHash('sha256').update(`${host}:${String(port)}`).digest('hex').slice(0, 16);
  return join(directory, `metrics-${String(port)}-${digest}.sock`);
}

/** Creates the directory (0700) when missing; throws unless it is this user's and closed to everyone else. */
export function preparePeersDirectory(directory: string): void {
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stats = lstatSync(directory);
  const uid = process.getuid?.();
  if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o077) !== 0) throw new PeersDirectoryError();
}
