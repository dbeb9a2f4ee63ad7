/**
 * The frameworks of the HTTP benchmark (bench/http.ts), each in three variants served by the same route: without
 * HTTP instrumentation, with quietcount's counter, and with the framework's usual metrics plugin. An app process
 * (bench/http-app.ts) loads only its own framework.
 */
export type Variant = 'none' | 'quietcount' | 'peer';
export const VARIANTS: readonly Variant[] = ['none', 'quietcount', 'peer'];

export interface BenchApp {
  readonly url: string;
  /** Paths to load, each answered 200 by the route under test. */
  readonly paths: readonly string[];
  close(): Promise<void>;
}

export interface BenchFramework {
  readonly title: string;
  /** What the route does, for the table's heading. */
  readonly route: string;
  /** The framework's usual metrics plugin, as the `peer` variant sets it up. */
  readonly peer: string;
  start(variant: Variant): Promise<BenchApp>;
}

export const FRAMEWORKS = {
  express: {
    title: 'express 5',
    route: 'the reference app (request log, SQLite, full directory pages)',
    peer: 'express-prom-bundle (method + route template)',
    start: async (variant) => (await import('./http-express.ts')).startExpress(variant),
  },
  fastify: {
    title: 'Fastify 5',
    route: 'the same SQLite query and JSON page, nothing else',
    peer: 'fastify-metrics (route histogram + summary)',
    start: async (variant) => (await import('./http-fastify.ts')).startFastify(variant),
  },
  hono: {
    title: 'Hono 4 on @hono/node-server',
    route: 'the same SQLite query and JSON page, nothing else',
    peer: '@hono/prometheus (histogram + counter by route)',
    start: async (variant) => (await import('./http-hono.ts')).startHono(variant),
  },
} satisfies Record<string, BenchFramework>;

export type FrameworkName = keyof typeof FRAMEWORKS;
