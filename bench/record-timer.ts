/**
 * ns per increment over a fixed workload of 2 names × 100 ids (strings, as a route handler passes them), as
 * bench/recording.ts and bench/cluster.ts time it: the same sequence for every library, so they compare.
 */
import { seededRandom } from './support.ts';

export const NAMES = ['directory_page_view', 'directory_search'] as const;
const IDS = Array.from({ length: 100 }, (_, index) => String(index + 1));
export const OPS = 1 << 20;

type Increment = (name: (typeof NAMES)[number], id: string) => void;

export function recordTimer(record: Increment): () => number {
  const random = seededRandom();
  const workload = Array.from({ length: 4096 }, () => ({
    name: NAMES[Math.floor(random() * NAMES.length)] ?? NAMES[0],
    id: IDS[Math.floor(random() * IDS.length)] ?? '1',
  }));
  const mask = workload.length - 1;
  return () => {
    const start = process.hrtime.bigint();
    for (let index = 0; index < OPS; index += 1) {
      const call = workload[index & mask];
      if (call !== undefined) record(call.name, call.id);
    }
    return Number(process.hrtime.bigint() - start) / OPS;
  };
}
