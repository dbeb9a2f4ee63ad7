/**
 * Where PM2's instances meet: a socket in a directory only this OS user may enter, named after the metrics host and
 * port. A directory someone else could enter, or a link in its place, is refused rather than used.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { peerSocketPath, PeersDirectoryError, preparePeersDirectory } from '../../../src/telemetry/cluster/peer-socket.ts';

const scratches: string[] = [];
const scratch = (): string => {
  const directory = mkdtempSync(join(tmpdir(), 'quietcount-peers-test-'));
  scratches.push(directory);
  return directory;
};
afterAll(() => {
  for (const directory of scratches) rmSync(directory, { recursive: true, force: true });
});

describe("the instances' socket", () => {
  it('creates its directory private to this user', () => {
    const directory = join(scratch(), 'peers');
    preparePeersDirectory(directory);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    // Again, as every instance does: the same directory is fine.
    preparePeersDirectory(directory);
  });

  it('refuses a directory that another user could enter, and a link in its place', () => {
    const open = join(scratch(), 'open');
    mkdirSync(open, { mode: 0o700 });
    chmodSync(open, 0o755);
    expect(() => {
      preparePeersDirectory(open);
    }).toThrow(PeersDirectoryError);
    const target = join(scratch(), 'target');
    mkdirSync(target, { mode: 0o700 });
    const link = join(scratch(), 'link');
    symlinkSync(target, link);
    expect(() => {
      preparePeersDirectory(link);
    }).toThrow(/must be a directory of this user that no one else may enter/);
  });

  it('is named after the metrics host and port, short enough for a socket path', () => {
    const directory = '/tmp/quietcount-1000';
    const path = peerSocketPath(directory, '127.0.0.1', 9464);
    expect(dirname(path)).toBe(directory);
    expect(basename(path)).toMatch(/^metrics-9464-[0-9a-f]{16}\.sock$/);
    expect(peerSocketPath(directory, '127.0.0.1', 9465)).not.toBe(path);
    expect(peerSocketPath(directory, '0.0.0.0', 9464)).not.toBe(path);
    expect(peerSocketPath(directory, 'a-very-long-host-name.internal.example', 65_535).length).toBeLessThan(104);
  });
});
