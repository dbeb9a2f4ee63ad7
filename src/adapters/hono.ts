/**
 * `quietcount/hono`: `app.use(httpCounter(telemetry))`, a '*' middleware, counts every response of a Hono 4 app by
 * method + route template and status code, never by the raw URL. Hono is not imported.
 */
import type { Telemetry } from '../telemetry/create-telemetry.ts';
import { responseCounterOf, type HttpResponseCounter } from '../telemetry/http.ts';

/** A route Hono matched for a request: `method` is `ALL` for middleware (`app.use`) and `app.all()`. */
export interface HonoRouteLike {
  readonly method: string;
  readonly path: string;
  /** What tells an `app.all()` handler, `(c) => …`, from middleware, `(c, next) => …`: Hono's own dev tools read it so. */
  readonly handler?: unknown;
}

/** What quietcount reads of a Hono context: nothing else of it is ever looked at. */
export interface HonoContextLike {
  readonly req: {
    readonly method: string;
    /** The index, in the matched routes, of the handler that ran last. */
    readonly routeIndex: number;
    /** Deprecated in Hono 4 for `matchedRoutes` of 'hono/route', but there in every 4.x. */
    readonly matchedRoutes?: readonly HonoRouteLike[];
  };
  readonly res: { readonly status: number };
}

/** Hono middleware, typed structurally so that quietcount's types need no Hono. */
export type HonoHttpCounter = (c: HonoContextLike, next: () => Promise<void>) => Promise<void>;

export interface HonoHttpCounterOptions {
  /**
   * `matchedRoutes` of 'hono/route', for a Hono without `c.req.matchedRoutes`:
   * `import { matchedRoutes } from 'hono/route'; app.use(httpCounter(telemetry, { matchedRoutes }))`.
   */
  readonly matchedRoutes?: (c: never) => readonly HonoRouteLike[];
}

const ALL = 'ALL';
/** Where Hono keeps the app's own handler when `app.route()` wrapped it in the sub-app's error handler. */
const COMPOSED_HANDLER = '__COMPOSED_HANDLER';

/** The middleware that counts `telemetry`'s HTTP responses; `app.use()` it before the routes. */
export function httpCounter(telemetry: Telemetry, options: HonoHttpCounterOptions = {}): HonoHttpCounter {
  const counter = responseCounterOf(telemetry);
  const routesOf = options.matchedRoutes;
  const matchedRoutes = routesOf === undefined ? (c: HonoContextLike) => c.req.matchedRoutes : (c: HonoContextLike) => routesOf(c as never);
  return async (c, next) => {
    try {
      await next();
    } catch (error) {
      // Hono answers an Error with its error handler, inside next(); what still escapes is answered with a 500.
      counter.record(c.req.method, templateOf(counter, matchedRoutes(c), c.req.routeIndex), 500);
      throw error;
    }
    counter.record(c.req.method, templateOf(counter, matchedRoutes(c), c.req.routeIndex), c.res.status);
  };
}

/**
 * The template of the route whose handler answered: the last route at or before the last handler that ran that is a
 * handler, not middleware. None when only middleware ran: Hono's not-found handler, a HEAD or method no route serves,
 * or a middleware that answered before any route.
 */
function templateOf(counter: HttpResponseCounter, routes: readonly HonoRouteLike[] | undefined, routeIndex: number): string | undefined {
  if (routes === undefined) {
    counter.cannotReadTemplates('quietcount/hono', "this Hono has no c.req.matchedRoutes: pass { matchedRoutes } of 'hono/route' to httpCounter");
    return undefined;
  }
  for (let index = Math.min(routeIndex, routes.length - 1); index >= 0; index -= 1) {
    const route = routes[index];
    if (route !== undefined && isHandler(route)) return route.path;
  }
  return undefined;
}

/**
 * A route of a method (`app.get()`…) is a handler. An `ALL` route is middleware (`app.use()`) unless its function
 * takes the context alone, as an `app.all()` handler does: the test Hono's own route inspector (`hono/dev`) applies.
 */
function isHandler(route: HonoRouteLike): boolean {
  if (route.method !== ALL) return true;
  let handler = route.handler;
  for (let depth = 0; depth < 8 && typeof handler === 'function' && COMPOSED_HANDLER in handler; depth += 1) {
    handler = (handler as unknown as Record<string, unknown>)[COMPOSED_HANDLER];
  }
  return typeof handler === 'function' && handler.length < 2;
}
