/**
 * A tiny Prometheus HTTP API for the report's tests, on loopback over real HTTP: it serves the two calls the report
 * makes (label values, instant queries of a range selector or of `last_over_time`) from series the test gives, the
 * way Prometheus 2.x does, and records every request (headers, what was asked, bytes answered). `answer` lets a
 * test replace any answer with a hostile one.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredSeries {
  readonly labels: Readonly<Record<string, string>>;
  /** [ms, value as Prometheus writes it ("12", "NaN", …)], in time order. */
  readonly samples: readonly (readonly [number, string])[];
}

export interface AskedQuery {
  readonly kind: 'samples' | 'last' | 'label-values';
  /** Label matchers of the query: name → the values it accepts. */
  readonly matchers: ReadonlyMap<string, readonly string[]>;
  /** Instant queries: the evaluation time and the range, in ms. */
  readonly timeMs: number;
  readonly rangeMs: number;
  /** Label values: the label asked for. */
  readonly label: string;
}

export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly asked: AskedQuery;
  /** Bytes of the answer. */
  readonly bytes: number;
}

export interface Answer {
  readonly status?: number;
  readonly contentType?: string;
  readonly body: string;
}

export interface FakePrometheus {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface FakePrometheusOptions {
  readonly series: readonly StoredSeries[];
  /** An answer of the test's instead of the honest one; undefined: the honest one. */
  readonly answer?: (asked: AskedQuery, honest: () => string) => Answer | undefined;
}

/** `name="v"` and `name=~"a|b"` (alternatives of literal values, RE2 metacharacters escaped) of a selector. */
function parseMatchers(selector: string): Map<string, string[]> {
  const matchers = new Map<string, string[]>();
  for (const [, name = '', operator, quoted = ''] of selector.matchAll(/(\w+)(=~|=)("(?:[^"\\]|\\.)*")/g)) {
    const value = JSON.parse(quoted) as string;
    matchers.set(name, operator === '=' ? [value] : value.split('|').map((alternative) => alternative.replace(/\\(.)/g, '$1')));
  }
  return matchers;
}

function durationMs(text: string): number {
  const match = /^(\d+)(ms|s)$/.exec(text);
  if (match === null) throw new Error(`unexpected range ${text}`);
  return Number(match[1]) * (match[2] === 'ms' ? 1 : 1000);
}

function askedQuery(query: string, timeMs: number): AskedQuery {
  const last = /^last_over_time\((.*)\[(\w+)\]\)$/.exec(query);
  const raw = /^(.*)\[(\w+)\]$/.exec(query);
  const [, selector = '', range = ''] = last ?? raw ?? [];
  if (selector === '') throw new Error(`unexpected query ${query}`);
  return { kind: last === null ? 'samples' : 'last', matchers: parseMatchers(selector), timeMs, rangeMs: durationMs(range), label: '' };
}

const matches = (series: StoredSeries, matchers: ReadonlyMap<string, readonly string[]>): boolean =>
  [...matchers].every(([name, values]) => values.includes(series.labels[name] ?? ''));

const success = (data: unknown): string => JSON.stringify({ status: 'success', data });

function honestAnswer(series: readonly StoredSeries[], asked: AskedQuery): string {
  const selected = series.filter((one) => matches(one, asked.matchers));
  if (asked.kind === 'label-values') return success([...new Set(selected.map((one) => one.labels[asked.label] ?? ''))].filter((value) => value !== '').sort());
  // Prometheus 2.x: both ends of the range included.
  const inRange = (one: StoredSeries) => one.samples.filter(([ms]) => ms >= asked.timeMs - asked.rangeMs && ms <= asked.timeMs);
  const metric = (one: StoredSeries) => ({ __name__: 'analytics_events_total', ...one.labels });
  if (asked.kind === 'last') {
    const result = selected.flatMap((one) => {
      const last = inRange(one).at(-1);
      return last === undefined ? [] : [{ metric: one.labels, value: [asked.timeMs / 1000, last[1]] }];
    });
    return success({ resultType: 'vector', result });
  }
  const result = selected.flatMap((one) => {
    const samples = inRange(one);
    return samples.length === 0 ? [] : [{ metric: metric(one), values: samples.map(([ms, value]) => [ms / 1000, value]) }];
  });
  return success({ resultType: 'matrix', result });
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

export async function startFakePrometheus(options: FakePrometheusOptions): Promise<FakePrometheus> {
  const requests: RecordedRequest[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const labelValues = /^\/api\/v1\/label\/([^/]+)\/values$/.exec(url.pathname);
    let asked: AskedQuery;
    if (labelValues !== null) {
      asked = { kind: 'label-values', matchers: parseMatchers(url.searchParams.get('match[]') ?? ''), timeMs: 0, rangeMs: 0, label: decodeURIComponent(labelValues[1] ?? '') };
    } else if (url.pathname === '/api/v1/query') {
      const form = new URLSearchParams(await body(request));
      asked = askedQuery(form.get('query') ?? '', Date.parse(form.get('time') ?? ''));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    const answer = options.answer?.(asked, () => honestAnswer(options.series, asked)) ?? { body: honestAnswer(options.series, asked) };
    const bytes = Buffer.from(answer.body);
    requests.push({ path: url.pathname, headers: request.headers, asked, bytes: bytes.length });
    response.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? 'application/json' });
    // In slices, as a large answer travels: a client that stops reading stops it.
    let wake: (() => void) | undefined;
    const resume = (): void => {
      wake?.();
    };
    response.on('drain', resume).on('close', resume);
    for (let at = 0; at < bytes.length && !response.destroyed; at += 65_536) {
      if (!response.write(bytes.subarray(at, at + 65_536))) await new Promise<void>((resolve) => (wake = resolve));
    }
    response.end();
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => { resolve(); });
      }),
  };
}
