/**
 * `quietcount/koa`: `app.use(httpCounter(telemetry))`, before the router, counts every response of a Koa 2 or 3 app
 * routed by @koa/router by method + route template and status code, never by the raw URL. Koa is not imported.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Telemetry } from '../telemetry/create-telemetry.ts';
import { responseCounterOf, type HttpResponseCounter } from '../telemetry/http.ts';

/** What quietcount reads of a Koa context: nothing else of it is ever looked at. */
export interface KoaContextLike {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Set by @koa/router to the template of the route that matched the path and the method. */
  readonly _matchedRoute?: unknown;
  /** Set by @koa/router on every request it looks at, matched or not. */
  readonly router?: unknown;
}

/** Koa middleware (`(ctx, next) => Promise`), typed structurally so that no Koa type package is needed. */
export type KoaHttpCounter = (ctx: KoaContextLike, next: () => Promise<unknown>) => Promise<unknown>;

/** The middleware that counts `telemetry`'s HTTP responses; `app.use()` it before `router.routes()`. */
export function httpCounter(telemetry: Telemetry): KoaHttpCounter {
  const counter = responseCounterOf(telemetry);
  const routing = { seen: false };
  return (ctx, next) => {
    // Counted when the response is sent: Koa sets the status of a thrown error (500) after every middleware has
    // returned, and @koa/router sets the template once it has matched, both later than this call.
    ctx.res.on('finish', () => {
      countResponse(counter, routing, ctx);
    });
    return next();
  };
}

function countResponse(counter: HttpResponseCounter, routing: { seen: boolean }, ctx: KoaContextLike): void {
  const { _matchedRoute: template } = ctx;
  if (ctx.router !== undefined) routing.seen = true;
  else if (!routing.seen) {
    // An app routed by something else than @koa/router (or counting after it): say so, once. Once @koa/router has
    // been seen, a response it never saw (a static file, a 401 from an earlier middleware) is simply unmatched.
    counter.cannotReadTemplates(
      'quietcount/koa',
      'a response passed through no @koa/router before any did; templates are read from @koa/router (ctx._matchedRoute), so app.use(httpCounter(telemetry)) before router.routes()',
    );
  }
  // A route declared by a regular expression has no template string: '' is refused by the guard, counted as __other__.
  counter.record(ctx.req.method ?? '', template === undefined ? undefined : typeof template === 'string' ? template : '', ctx.res.statusCode);
}
