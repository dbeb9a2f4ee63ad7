/**
 * `quietcount/node-http`: for an app on plain node:http that routes requests itself. It declares its route templates
 * once, and says per request which one answers it:
 *
 *   const count = httpCounter(telemetry, ['/plans/:planId/checkout', '/plans/:planId/compare']);
 *   createServer((req, res) => {
 *     if (checkout matched) { count(req, res, '/plans/:planId/checkout'); … }
 *     else { count(req, res); res.writeHead(404).end(); }          // no template: "unmatched"
 *   });
 *
 * A raw path cannot get through: only a declared template is counted under its name. In TypeScript, passing anything
 * else (`req.url`, a string built at run time) does not compile; in JavaScript, an undeclared value is counted under
 * `__other__` and as an `invalid_endpoint` rejection, never kept.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Telemetry } from '../telemetry/create-telemetry.ts';
import { isRouteTemplate } from '../telemetry/guard.ts';
import { responseCounterOf, type HttpResponseCounter } from '../telemetry/http.ts';

/**
 * Counts `res` when it has been sent, under the request's method and `template`, one of the declared templates, or
 * as "unmatched" without one. Call it before the response ends; called again for one response, the last call wins.
 */
export type NodeHttpCounter<Template extends string> = (req: IncomingMessage, res: ServerResponse, template?: Template) => void;

/** Why a response is counted as it is, kept on the response until it is sent. */
const TEMPLATE = Symbol('quietcount route template');
/** A template the app did not declare: counted under `__other__`, its value dropped here. */
const UNDECLARED = Symbol('quietcount undeclared template');

interface CountedResponse extends ServerResponse {
  [TEMPLATE]?: string | typeof UNDECLARED | undefined;
}

/**
 * The counter of `telemetry`'s HTTP responses for the declared `templates` (written as a literal list, so that each
 * template is a type of its own). A template that no route could declare (a query, a space, an `@`) throws here, at
 * start, naming its position in the list.
 */
export function httpCounter<const Templates extends readonly string[]>(telemetry: Telemetry, templates: Templates): NodeHttpCounter<Templates[number]> {
  const counter = responseCounterOf(telemetry);
  templates.forEach((template, index) => {
    if (!isRouteTemplate(template)) {
      throw new TypeError(`httpCounter(telemetry, templates): templates[${String(index)}] is not a route template (it must start with "/", without query, space, "@" or "%")`);
    }
  });
  const declared = new Set<string>(templates);
  const countSent = sentResponseCounter(counter);
  // The request is in the signature for the reader of the app's code; its method is read from `res.req` when sent.
  return (_req, res, template) => {
    const counted = res as CountedResponse;
    if (!(TEMPLATE in counted)) counted.on('finish', countSent);
    counted[TEMPLATE] = template === undefined || declared.has(template) ? template : UNDECLARED;
  };
}

function sentResponseCounter(counter: HttpResponseCounter): (this: CountedResponse) => void {
  // One listener for every response, reading what was said of it from the response itself: no closure per request.
  return function countSentResponse(this: CountedResponse): void {
    const template = this[TEMPLATE];
    if (template === UNDECLARED) counter.recordRefused(this.statusCode);
    else counter.record(this.req.method ?? '', template, this.statusCode);
  };
}
