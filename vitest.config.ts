import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers (the app, Prometheus, Alertmanager): give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // At least two files at once, where vitest's default (one fewer than the cores) is one on a 2-core machine: the
    // integration files spend their minutes waiting on real servers (scrapes, rule groups, a store's outage), not on
    // the CPU, and run one after the other they would take most of npm test's time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    env: { NODE_ENV: 'test' },
  },
});
