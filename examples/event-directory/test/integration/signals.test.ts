/**
 * Every documented way of running the app stops cleanly when signalled: `npm start` (npm, then the app) signalled
 * the way a service manager and a terminal do it, and `node src/main.ts` itself (shutdown.test.ts).
 * Clean means the process that was started exits 0 once the app's graceful shutdown is done, both ports are
 * released, and no process of the group is left behind.
 */
import { describe, expect, it } from 'vitest';
import { refusesConnections, startAppProcess, type AppProcess } from '../support/app-process.ts';

/** Graceful shutdown with a short wait for the final scrape; the bound below leaves room for a loaded machine. */
const ENV = { SHUTDOWN_GRACE_MS: '300' };
const EXIT_BOUND_MS = 10_000;

async function expectCleanExit(app: AppProcess): Promise<void> {
  expect(await app.exited(EXIT_BOUND_MS)).toBe(0);
  await app.waitForLog((line) => line.msg === 'stopped', 1_000);
  expect(await refusesConnections(`${app.appUrl}/healthz`)).toBe(true);
  expect(await refusesConnections(`${app.metricsUrl}/metrics`)).toBe(true);
  // Bounded: the group's last process may still be on its way out when npm has exited.
  for (let attempt = 0; attempt < 50 && app.groupAlive(); attempt += 1) await new Promise((r) => setTimeout(r, 100));
  expect(app.groupAlive()).toBe(false);
}

describe('npm start', () => {
  it('SIGTERM to npm (a supervisor, `kill <pid>`): the app shuts down gracefully and npm exits 0', async () => {
    const app = await startAppProcess('npm start', ENV);
    expect((await fetch(`${app.appUrl}/healthz`)).status).toBe(200);
    process.kill(app.pid, 'SIGTERM');
    await app.waitForLog((line) => line.msg === 'shutting down (send the signal again to exit at once)', 5_000);
    await expectCleanExit(app);
  });

  it('SIGINT to the process group (Ctrl-C in a terminal): one graceful shutdown, exit 0', async () => {
    const app = await startAppProcess('npm start', ENV);
    // The terminal signals npm and the app; npm then passes its copy on: the app sees two, and must stop once.
    process.kill(-app.pid, 'SIGINT');
    await expectCleanExit(app);
  });

  it('SIGTERM to the process group (systemd stopping a service): one graceful shutdown, exit 0', async () => {
    const app = await startAppProcess('npm start', ENV);
    process.kill(-app.pid, 'SIGTERM');
    await expectCleanExit(app);
  });
});

describe('node src/main.ts', () => {
  it('SIGTERM to node: exit 0, ports released', async () => {
    const app = await startAppProcess('node', ENV);
    process.kill(app.pid, 'SIGTERM');
    await expectCleanExit(app);
  });
});
