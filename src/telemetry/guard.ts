/**
 * The guard: what may become a label value. Everything else is refused, counted by reason in
 * `analytics_rejected_total`, and never echoed: not in a label, a log line or an error message.
 */
import { STATUS_CODE_MAX, STATUS_CODE_MIN } from '../schema/bounds.ts';
import { rejectionReasonNames, rejectionReasons, type RejectionReason } from '../schema/rejection-reasons.ts';
import { ExportedSeries } from './exposition/series.ts';

/** Thrown in strict mode. The message names the rule broken and never contains the rejected value. */
export class QuietcountRuleError extends Error {
  readonly reason: RejectionReason;
  constructor(reason: RejectionReason) {
    super(`quietcount refused an increment (${reason}): ${rejectionReasons[reason]}`);
    this.name = 'QuietcountRuleError';
    this.reason = reason;
  }
}

export interface Guard {
  /** Counts a refusal; in strict mode also throws. */
  reject(reason: RejectionReason): void;
  /**
   * Counts without throwing: for overflow (expected under load, not a bug), for rows read at scrape time, where
   * nothing could catch the error, and for counts a cluster worker handed over.
   */
  count(reason: RejectionReason, by?: number): void;
  /** Cumulative count per reason, every reason present (zeros included, so `rate()` works from the start). */
  rejectionCounts(): ReadonlyMap<RejectionReason, number>;
  /** The `analytics_rejected_total` series, one per reason, in the schema's order. */
  series(): readonly ExportedSeries[];
}

export function createGuard(options: { strict: boolean }): Guard {
  const byReason = new Map<RejectionReason, ExportedSeries>(rejectionReasonNames.map((reason) => [reason, new ExportedSeries({ reason })]));
  const all = [...byReason.values()];
  const add = (reason: RejectionReason, by: number): void => {
    const series = byReason.get(reason);
    if (series !== undefined) series.count += by;
  };
  return {
    reject(reason) {
      add(reason, 1);
      if (options.strict) throw new QuietcountRuleError(reason);
    },
    count(reason, by = 1) {
      add(reason, by);
    },
    rejectionCounts: () => new Map([...byReason].map(([reason, series]) => [reason, series.count])),
    series: () => all,
  };
}

export function isValidIncrement(increment: unknown): increment is number {
  return typeof increment === 'number' && Number.isSafeInteger(increment) && increment > 0;
}

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/**
 * Route templates as the frameworks write them: path segments and `:params`, wildcards (`*`, `*splat`), optional
 * parts (`{/:id}`, `:id?`), and the regular expressions a parameter may carry: express 4's and Koa's `:id(\d+)`,
 * Fastify's `:id(^\d+$)`, Hono's `:id{[0-9]+}`. Nothing else: no space, no `@`, `%`, `=`, `&` or `#` (the marks of
 * an e-mail address, an encoded value or a query string), no quote, at most 121 characters.
 */
const ROUTE_TEMPLATE = /^\/[A-Za-z0-9\-._~:/*{}()[\]?+\\^$|,]{0,120}$/;

/** Whether `template` is one a route could declare (see ROUTE_TEMPLATE). */
export function isRouteTemplate(template: string): boolean {
  return ROUTE_TEMPLATE.test(template);
}

/** `METHOD /route/:template`, or `undefined` when the method or template is not one a route could declare. */
export function endpointLabel(method: string, routeTemplate: string): string | undefined {
  return HTTP_METHODS.has(method) && ROUTE_TEMPLATE.test(routeTemplate) ? `${method} ${routeTemplate}` : undefined;
}

/** Whether a label value is an endpoint an adapter could have made (`METHOD /template`; not `unmatched` or `__other__`). */
export function isEndpointLabel(endpoint: string): boolean {
  const space = endpoint.indexOf(' ');
  return space > 0 && endpointLabel(endpoint.slice(0, space), endpoint.slice(space + 1)) === endpoint;
}

/** Whether a status code is one an HTTP response can have (100-599): the bound of the `status_code` label. */
export function isStatusCode(statusCode: unknown): statusCode is number {
  return typeof statusCode === 'number' && Number.isInteger(statusCode) && statusCode >= STATUS_CODE_MIN && statusCode <= STATUS_CODE_MAX;
}
