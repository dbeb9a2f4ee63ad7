/**
 * A real, small file system for one process: a tmpfs mounted in a mount namespace of that process's own (util-linux
 * `unshare`), so the app sees a disk that really fills up, and the mount goes away with the process, whatever
 * happens to the test. As root a mount namespace is enough; anyone else gets a user namespace too, where they may
 * mount. The test reaches the mounted directory through /proc/<pid>/root.
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The command line that runs a command (appended to it) with a `sizeBytes` tmpfs mounted on `mountPoint`, an empty
 * directory. `full`: the tmpfs is filled before the command starts.
 */
export function onSmallDisk(mountPoint: string, sizeBytes: number, options: { full?: boolean } = {}): string[] {
  const namespaces = process.getuid?.() === 0 ? ['--mount'] : ['--user', '--map-root-user', '--mount'];
  const fill = options.full === true ? 'cat /dev/zero > "$2/filler" 2>/dev/null; ' : '';
  const script = `mount -t tmpfs -o size=$1,mode=0700 tmpfs "$2" || exit 97; ${fill}shift 2; exec "$@"`;
  return ['unshare', ...namespaces, '--', 'sh', '-c', script, 'small-disk', String(sizeBytes), mountPoint];
}

/** `path` as the process `pid` sees it, from outside its mount namespace. */
export const seenBy = (pid: number, path: string): string => join(`/proc/${String(pid)}/root`, path);

const FILLER = 'filler';
const CHUNK = Buffer.alloc(64 * 1024);

/**
 * Fills the small disk `pid` has on `mountPoint` with a file until the file system refuses (ENOSPC); returns the
 * bytes written. Bounded by `sizeBytes`: a disk that never fills fails the test.
 */
export async function fillDisk(pid: number, mountPoint: string, sizeBytes: number): Promise<number> {
  const file = await open(seenBy(pid, join(mountPoint, FILLER)), 'w');
  let written = 0;
  try {
    for (let attempt = 0; attempt <= sizeBytes / CHUNK.length + 1; attempt++) {
      written += (await file.write(CHUNK)).bytesWritten;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return written;
    throw error;
  } finally {
    await file.close();
  }
  throw new Error(`wrote ${String(written)} bytes to a ${String(sizeBytes)}-byte disk without filling it`);
}

/** Frees what fillDisk took. */
export async function freeDisk(pid: number, mountPoint: string): Promise<void> {
  await rm(seenBy(pid, join(mountPoint, FILLER)));
}
