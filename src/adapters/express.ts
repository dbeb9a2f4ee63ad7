/**
 * `quietcount/express`: `app.use(httpCounter(telemetry))` counts every response of an express 4 or 5 app (and of
 * NestJS on its express adapter) by method + route template and status code, never by the raw URL.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Telemetry } from '../telemetry/create-telemetry.ts';
import { responseCounterOf, type HttpResponseCounter } from '../telemetry/http.ts';
import { isStaticMountPath } from './express-mounts.ts';

/**
 * Connect-style middleware, typed on node:http so that apps need no express type package: express, and any
 * framework that sets `req.route` and `req.baseUrl` as express does, accept it.
 */
export type HttpMiddleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** The middleware that counts `telemetry`'s HTTP responses; `telemetry.httpMiddleware()` is the same. */
export function httpCounter(telemetry: Telemetry): HttpMiddleware {
  return responseCounterMiddleware(responseCounterOf(telemetry));
}

/** The route template of a matched request; undefined when no route handler answered, or the template is unknown. */
export function routeTemplateOf(req: IncomingMessage): string | undefined {
  const template = readRouteTemplate(req);
  return template === PARAMETERISED_MOUNT ? undefined : template;
}

/** What `readRouteTemplate` returns for a route under a router mounted on a path with parameters. */
const PARAMETERISED_MOUNT = Symbol('a router mounted on a path with parameters');

/**
 * `req.baseUrl + req.route.path`. `req.baseUrl` is the path the request's routers are mounted on, as the request
 * spelt it: a template only when each mount is a plain path, which express-mounts.ts checks in the app's own stacks.
 */
function readRouteTemplate(req: IncomingMessage): string | undefined | typeof PARAMETERISED_MOUNT {
  const { route, baseUrl } = req as RoutedRequest;
  if (route === undefined || !handlesMethod(route, req.method)) return undefined;
  if (typeof route.path !== 'string') return '';
  if (typeof baseUrl !== 'string' || baseUrl === '') return route.path;
  return isStaticMountPath(req, baseUrl) ? baseUrl + route.path : PARAMETERISED_MOUNT;
}

/** What express adds to a request that quietcount reads, with `req.app` (express-mounts.ts): never the URL. */
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
    const template = readRouteTemplate(this.req);
    if (template === PARAMETERISED_MOUNT) {
      counter.cannotReadTemplates(
        'quietcount/express',
        "a router or sub-app is mounted on a path with parameters (app.use('/users/:userId', router)), a wildcard or a regular expression, or on one quietcount cannot read, so req.baseUrl may hold the request's own values: mount it on a plain path and put the parameters in its routes",
      );
    }
    counter.record(this.req.method ?? '', template === PARAMETERISED_MOUNT ? undefined : template, this.statusCode);
  }
  return (_req, res, next) => {
    res.on('finish', countFinishedResponse);
    next();
  };
}
