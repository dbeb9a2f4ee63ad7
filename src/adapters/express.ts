/**
 * `quietcount/express`: `app.use(httpCounter(telemetry))` counts every response of an express 4 or 5 app (and of
 * NestJS on its express adapter) by method + route template and status code, never by the raw URL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Telemetry } from '../telemetry/create-telemetry.ts';
import { responseCounterOf, type HttpResponseCounter } from '../telemetry/http.ts';

/**
 * Connect-style middleware, typed on node:http so that apps need no express type package: express, and any
 * framework that sets `req.route` and `req.baseUrl` as express does, accept it.
 */
export type HttpMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The middleware that counts `telemetry`'s HTTP responses; `telemetry.httpMiddleware()` is the same. */
export function httpCounter(telemetry: Telemetry): HttpMiddleware {
  return responseCounterMiddleware(responseCounterOf(telemetry));
}

/**
 * The route template of a matched request. `req.baseUrl` is a template too as long as routers are mounted on
 * static paths; a router mounted on a parameterised path would put a raw value there, which the guard's template
 * check cannot tell apart, so mount routers on static paths (see README).
 */
export function routeTemplateOf(req: IncomingMessage): string | undefined {
  const { route, baseUrl } = req as RoutedRequest;
  if (route === undefined || !handlesMethod(route, req.method)) return undefined;
  return typeof route.path === 'string' ? (typeof baseUrl === 'string' ? baseUrl : '') + route.path : '';
}

/** What express adds to a request that quietcount reads: nothing else of the request is ever looked at. */
interface RoutedRequest {
  readonly baseUrl?: unknown;
  readonly route?: { readonly path?: unknown; readonly methods?: unknown };
}

/**
 * Whether the matched route has a handler for the method. express's router dispatches a HEAD to a route matched by
 * its path even when it has no GET handler (a POST-only route): nothing runs, the app's 404 answers, and the
 * response must count as "unmatched", not as a failing endpoint that does not exist. HEAD is served by GET.
 */
function handlesMethod(route: { readonly methods?: unknown }, method: string | undefined): boolean {
  const { methods } = route;
  if (typeof methods !== 'object' || methods === null) return true;
  const declared = methods as Readonly<Record<string, unknown>>;
  const name = (method ?? '').toLowerCase();
  return declared._all === true || declared[name] === true || (name === 'head' && declared.get === true);
}

export function responseCounterMiddleware(counter: HttpResponseCounter): HttpMiddleware {
  // One listener for every response, reading the request from `res.req`: no closure allocated per request. A
  // response emits 'finish' once, and is dropped with its listeners, so `on` is enough.
  function countFinishedResponse(this: ServerResponse): void {
    counter.record(this.req.method ?? '', routeTemplateOf(this.req), this.statusCode);
  }
  return (_req, res, next) => {
    res.on('finish', countFinishedResponse);
    next();
  };
}
