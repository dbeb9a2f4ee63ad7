/**
 * One app under load for bench/http.ts, in its own process so that neither the load generator nor the other
 * variants share its event loop or its JIT state. `node bench/http-app.ts <framework> <variant>` (forked with an IPC
 * channel): starts the app (bench/http-frameworks.ts) on an ephemeral loopback port, sends `{ url, paths }` to the
 * parent, answers `cpu` with the CPU time it has used so far (`{ cpuMicros }`), and closes when the parent says `stop`.
 */
import { FRAMEWORKS, VARIANTS, type FrameworkName, type Variant } from './http-frameworks.ts';

export interface CpuMessage {
  /**
   * User + system CPU time of this process's main thread so far: where the app and the middleware run. The GC's and
   * libuv's helper threads are left out, so their scheduling on a shared machine does not blur the figure.
   */
  readonly cpuMicros: number;
}

export interface ReadyMessage {
  readonly url: string;
  readonly paths: readonly string[];
}

const [framework = '', variant = ''] = process.argv.slice(2);
if (!Object.hasOwn(FRAMEWORKS, framework)) throw new Error(`framework must be one of ${Object.keys(FRAMEWORKS).join(', ')}`);
if (!(VARIANTS as readonly string[]).includes(variant)) throw new Error(`variant must be one of ${VARIANTS.join(', ')}`);
const app = await FRAMEWORKS[framework as FrameworkName].start(variant as Variant);
const ready: ReadyMessage = { url: app.url, paths: app.paths };
process.send?.(ready);
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.threadCpuUsage();
    const answer: CpuMessage = { cpuMicros: user + system };
    process.send?.(answer);
  } else if (message === 'stop') {
    void app.close().then(() => {
      process.disconnect();
    });
  }
});
