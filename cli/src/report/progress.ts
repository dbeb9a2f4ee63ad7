/**
 * Progress of the reading on stderr, in event id-days: on a terminal, or anywhere with --progress. Never on stdout,
 * which carries the report.
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const silent: Progress = { update: () => undefined, stop: () => undefined };

export function readingProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, shown: boolean): Progress {
  if (!shown) return silent;
  const bar = new SingleBar({
    stream,
    format: 'reading Prometheus [{bar}] {value}/{total} event id-days, {duration_formatted}',
    noTTYOutput: stream.isTTY !== true,
    // Off a terminal each redraw is a new line: a few are enough.
    notTTYSchedule: 2000,
    clearOnComplete: stream.isTTY === true,
    hideCursor: true,
  });
  let started = false;
  return {
    update: (done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
