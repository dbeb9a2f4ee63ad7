/**
 * `quietcount/fastify`: `await app.register(httpCounter(telemetry))` counts every response of a Fastify 4 or 5 app
 * (and of NestJS on its Fastify adapter, through `app.register`) by method + route template and status code, never
 * by the raw URL. Fastify is not imported: the plugin only uses what Fastify hands it.
 */
import type { Telemetry } from '../telemetry/create-telemetry.ts';
import { responseCounterOf, type HttpResponseCounter } from '../telemetry/http.ts';

/** What quietcount reads of a Fastify request: nothing else of it is ever looked at. */
interface FastifyRequestLike {
  readonly method: string;
  /** Fastify 5 and later 4.x: `url` is the matched route's template, undefined for Fastify's 404 handler. */
  readonly routeOptions?: { readonly url?: string | undefined };
  /** Older Fastify 4.x (before `routeOptions.url`): the same template. */
  readonly routerPath?: string | undefined;
}

interface FastifyReplyLike {
  readonly statusCode: number;
}

type OnResponseHook = (request: FastifyRequestLike, reply: FastifyReplyLike, done: () => void) => void;

/** The part of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(name: 'onResponse', hook: OnResponseHook): unknown;
}

/** A Fastify plugin: `app.register()` accepts it, as NestJS's `NestFastifyApplication.register()` does. */
export type FastifyHttpCounter = (instance: FastifyInstanceLike, options: unknown) => Promise<void>;

/**
 * Where this Fastify keeps the matched route's template, found at the first response: `routeOptions.url` where it
 * exists (reading `routerPath` there would print Fastify's deprecation warning), else `routerPath`.
 */
type TemplateSource = 'routeOptions' | 'routerPath' | 'none';

function templateSourceOf(request: FastifyRequestLike): TemplateSource {
  if (typeof request.routeOptions === 'object' && 'url' in request.routeOptions) return 'routeOptions';
  return 'routerPath' in request ? 'routerPath' : 'none';
}

/** The plugin that counts `telemetry`'s HTTP responses in every route of the app it is registered on. */
export function httpCounter(telemetry: Telemetry): FastifyHttpCounter {
  const counter = responseCounterOf(telemetry);
  const onResponse = countingHook(counter);
  function quietcountHttpCounter(instance: FastifyInstanceLike): Promise<void> {
    instance.addHook('onResponse', onResponse);
    return Promise.resolve();
  }
  // What fastify-plugin would set: the hook applies to the app it is registered on and every plugin and route in it,
  // instead of only to a context of its own (Fastify's encapsulation), under a name Fastify shows in its errors.
  Object.defineProperties(quietcountHttpCounter, {
    [Symbol.for('skip-override')]: { value: true },
    [Symbol.for('fastify.display-name')]: { value: 'quietcount' },
    [Symbol.for('plugin-meta')]: { value: { name: 'quietcount', fastify: '>=4.0.0' } },
  });
  return quietcountHttpCounter;
}

function countingHook(counter: HttpResponseCounter): OnResponseHook {
  let source: TemplateSource | undefined;
  return function countResponse(request, reply, done) {
    source ??= templateSourceOf(request);
    let template: string | undefined;
    if (source === 'routeOptions') template = request.routeOptions?.url;
    else if (source === 'routerPath') template = request.routerPath;
    else counter.cannotReadTemplates('quietcount/fastify', 'this Fastify has neither request.routeOptions.url nor request.routerPath');
    // Fastify's 404 handler has no route, hence no template: "unmatched", as is a HEAD no route serves.
    counter.record(request.method, template, reply.statusCode);
    done();
  };
}
