import { availableParallelism } from 'node:os';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `unit`: in-process, no binary outside Node.js, seconds each. `integration`: real servers and processes
 * (Prometheus, Alertmanager, promtool, amtool, VictoriaMetrics, Chromium, PM2, app processes, packed tarballs), which
 * spend their minutes waiting on those servers, not on the CPU.
 */
const testsOf = (tier: string): string[] => [`test/${tier}/**/*.test.ts`, `cli/test/${tier}/**/*.test.ts`, `examples/*/test/${tier}/**/*.test.ts`];

// In this repository `quietcount` is the library's sources (package.json "exports"), as tsconfig.json has it.
const conditions = ['quietcount-source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['quietcount-source'] } },
  test: {
    env: { NODE_ENV: 'test' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: testsOf('unit'), testTimeout: 30_000, hookTimeout: 30_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: testsOf('integration'),
          // quietcount and quietcount-cli packed once, for every test that installs them into an app of its own.
          globalSetup: ['test/support/packed-tarballs.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // At least two files at once, where vitest's default (one fewer than the cores) is one on a 2-core machine.
          maxWorkers: Math.max(2, availableParallelism() - 1),
        },
      },
    ],
  },
});
