/**
 * `http_responses_total{endpoint, status_code}`: every response of the app, by method + route template (never the
 * raw URL) and status code. The framework adapters (src/adapters/) read the template and call `record()`.
 */
import { MAX_ENDPOINTS, OTHER, UNMATCHED } from '../schema/bounds.ts';
import { ExportedSeries } from './exposition/series.ts';
import { endpointLabel, isEndpointLabel, isStatusCode, isValidIncrement, type Guard } from './guard.ts';
import type { Logger } from './logger.ts';

interface EndpointCounts {
  readonly endpoint: string;
  readonly byStatus: Map<number, ResponseSeries>;
}

/** One endpoint and status code pair. In a process that hands its counts over, `count` is what it has not yet. */
export class ResponseSeries extends ExportedSeries {}

export class HttpResponseCounter {
  /**
   * route template → method → counts. Keyed by the route's own template string so the per-request lookup
   * needs no string building; a template is validated once, when first seen.
   */
  private readonly byTemplate = new Map<string, Map<string, EndpointCounts>>();
  private readonly byEndpoint = new Map<string, EndpointCounts>();
  private readonly all: ResponseSeries[] = [];
  private readonly guard: Guard;
  private readonly logger: Logger | undefined;
  /** The adapters that have said they cannot read route templates in this app: each says it once. */
  private readonly unreadable = new Set<string>();

  constructor(guard: Guard, logger?: Logger) {
    this.guard = guard;
    this.logger = logger;
  }

  /** `routeTemplate` is undefined when no route handler of the method answered. */
  record(method: string, routeTemplate: string | undefined, statusCode: number): void {
    if (!isStatusCode(statusCode)) {
      this.guard.count('invalid_status_code');
      return;
    }
    const counts =
      routeTemplate === undefined
        ? this.countsOf(UNMATCHED)
        : (this.byTemplate.get(routeTemplate)?.get(method) ?? this.admit(method, routeTemplate));
    (counts.byStatus.get(statusCode) ?? this.seriesOf(counts, statusCode)).count += 1;
  }

  /**
   * A response whose route template the app gave but that quietcount refuses (the node:http adapter's template the app
   * did not declare): counted under `__other__`, the refusal counted by reason, the value never kept.
   */
  recordRefused(statusCode: number): void {
    if (!isStatusCode(statusCode)) {
      this.guard.count('invalid_status_code');
      return;
    }
    this.guard.count('invalid_endpoint');
    const counts = this.countsOf(OTHER);
    (counts.byStatus.get(statusCode) ?? this.seriesOf(counts, statusCode)).count += 1;
  }

  /**
   * An adapter that finds no route template where its framework keeps one (another framework, router or version)
   * counts its responses as `unmatched` and says so once, in the telemetry's log: it never falls back to the URL.
   * `explanation` is the adapter's own fixed text: nothing of a request may be in it.
   */
  cannotReadTemplates(adapter: string, explanation: string): void {
    if (this.unreadable.has(adapter)) return;
    this.unreadable.add(adapter);
    this.logger?.warn(
      { adapter },
      `${adapter} found no route template: ${explanation}. Such responses are counted as endpoint="${UNMATCHED}", never by URL (said once)`,
    );
  }

  /**
   * Adds counts another process handed over. The endpoint was checked there; it is checked again here, since nothing
   * unchecked may become a label.
   */
  merge(endpoint: string, statusCode: number, count: number): void {
    if (!isStatusCode(statusCode) || !isValidIncrement(count)) {
      this.guard.count(isStatusCode(statusCode) ? 'invalid_increment' : 'invalid_status_code');
      return;
    }
    const known = endpoint === UNMATCHED || endpoint === OTHER || isEndpointLabel(endpoint);
    if (!known) this.guard.count('invalid_endpoint');
    const counts = this.countsOf(known ? endpoint : OTHER);
    (counts.byStatus.get(statusCode) ?? this.seriesOf(counts, statusCode)).count += count;
  }

  /** Every series, in the order they were first counted. */
  series(): readonly ResponseSeries[] {
    return this.all;
  }

  private seriesOf(counts: EndpointCounts, statusCode: number): ResponseSeries {
    const series = new ResponseSeries({ endpoint: counts.endpoint, status_code: String(statusCode) });
    counts.byStatus.set(statusCode, series);
    this.all.push(series);
    return series;
  }

  private admit(method: string, routeTemplate: string): EndpointCounts {
    const endpoint = endpointLabel(method, routeTemplate);
    // Still a response: count it, under a name that cannot carry the refused value.
    if (endpoint === undefined) {
      this.guard.count('invalid_endpoint');
      return this.countsOf(OTHER);
    }
    const counts = this.countsOf(endpoint);
    if (counts.endpoint === endpoint) {
      let byMethod = this.byTemplate.get(routeTemplate);
      if (byMethod === undefined) {
        byMethod = new Map();
        this.byTemplate.set(routeTemplate, byMethod);
      }
      byMethod.set(method, counts);
    }
    return counts;
  }

  private countsOf(endpoint: string): EndpointCounts {
    let counts = this.byEndpoint.get(endpoint);
    if (counts !== undefined) return counts;
    if (this.byEndpoint.size >= MAX_ENDPOINTS && endpoint !== OTHER) {
      this.guard.count('cardinality_overflow');
      return this.countsOf(OTHER);
    }
    counts = { endpoint, byStatus: new Map() };
    this.byEndpoint.set(endpoint, counts);
    return counts;
  }
}

/** Each telemetry's response counter, for the framework adapters: they take the telemetry an app holds. */
const countersOfTelemetry = new WeakMap<object, HttpResponseCounter>();

export function attachResponseCounter(telemetry: object, counter: HttpResponseCounter): void {
  countersOfTelemetry.set(telemetry, counter);
}

export function responseCounterOf(telemetry: object): HttpResponseCounter {
  const counter = countersOfTelemetry.get(telemetry);
  if (counter === undefined) throw new TypeError('httpCounter(telemetry): pass the object that createTelemetry() returned');
  return counter;
}
