/**
 * A full disk, named once. When the file system under the database is full, every write fails the same way (SQLite's
 * SQLITE_FULL, or ENOSPC from a file the app writes itself): the cause is logged in one clear line, then at most once
 * a minute while it lasts, with how many writes were refused since the last line, instead of one error per request.
 */
import type { Logger } from 'pino';

/** SQLite's primary result code for "database or disk is full" (extended codes keep it in the low byte). */
const SQLITE_FULL = 13;
const PRIMARY_RESULT_CODE = 0xff;

/** How often a fault that lasts is logged again. */
export const DISK_FULL_LOG_INTERVAL_MS = 60_000;

/** The fault's name as logged: SQLITE_FULL or ENOSPC, or `undefined` when `error` is not a full disk. */
export function diskFullCode(error: unknown): 'SQLITE_FULL' | 'ENOSPC' | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (code === 'ENOSPC') return 'ENOSPC';
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && (errcode & PRIMARY_RESULT_CODE) === SQLITE_FULL) return 'SQLITE_FULL';
  return undefined;
}

export const DISK_FULL_MESSAGE = 'the database cannot be written: its disk is full';

/** Counts writes refused because the disk is full, and logs the fault the first time and once an interval after. */
export function diskFullReporter(logger: Logger, intervalMs = DISK_FULL_LOG_INTERVAL_MS): (code: 'SQLITE_FULL' | 'ENOSPC') => void {
  let lastLineAt: number | undefined;
  let refusedSinceLastLine = 0;
  return (code) => {
    refusedSinceLastLine += 1;
    const now = performance.now();
    if (lastLineAt !== undefined && now - lastLineAt < intervalMs) return;
    logger.error(
      { code, refusedWrites: refusedSinceLastLine },
      `${DISK_FULL_MESSAGE} (${code}): writes get a 503 until space is freed; this line repeats at most every ${String(intervalMs / 1000)} s while it lasts`,
    );
    lastLineAt = now;
    refusedSinceLastLine = 0;
  };
}
