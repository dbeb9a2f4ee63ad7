/**
 * The Prometheus HTTP API calls the report needs: instant queries (a range selector returns raw samples) and the
 * values of a label. Only `/api/v1/query` and `/api/v1/label/…/values` under the given base URL, so Mimir, Thanos,
 * Cortex and VictoriaMetrics (often under a path prefix such as `/prometheus`) serve them too. Every request carries
 * the connection's credentials and headers, and follows no redirect (a header meant for this server goes nowhere
 * else). An answer is read whole into memory up to a size limit; a larger one is cut off (`AnswerTooLarge`) so that
 * the caller asks for less. Every failure becomes a CommandError that says what to do about it; text from the server
 * is printed only with its control characters escaped.
 */
import { authOptionName } from './auth.ts';
import { CommandError } from '../cli-io.ts';
import { printable } from './printable.ts';
import type { Connection } from './connection.ts';
import { readLabelValuesAnswer, readQueryAnswer, type ApiOutcome, type ResultType, type SeriesSamples } from './api-answer.ts';
import { MalformedJson } from './json-reader.ts';

const REQUEST_TIMEOUT_MS = 120_000;
/** Label-value lists are small (a few thousand ids at most); anything this big is not one. */
const MAX_LABEL_VALUES_BYTES = 64 * 2 ** 20;

/** The answer was larger than the caller allowed: ask for less at a time. */
export class AnswerTooLarge extends Error {
  constructor() {
    super('answer too large');
    this.name = 'AnswerTooLarge';
  }
}

/** What a query asked for, in words, for messages: "the samples of event_name "x", event ids 1 to 9, on 2026-11-20". */
export type Asked = string;

export class PrometheusApi {
  readonly #connection: Connection;
  readonly #base: string;
  readonly #onWarning: (warning: string) => void;

  constructor(connection: Connection, onWarning: (warning: string) => void) {
    this.#connection = connection;
    this.#base = connection.prometheusUrl.href.replace(/\/+$/, '');
    this.#onWarning = onWarning;
  }

  /** The values `label` takes on the series matching `match`, in [startMs, endMs] when given. */
  async labelValues(label: string, match: string, asked: Asked, range?: { readonly startMs: number; readonly endMs: number }): Promise<string[]> {
    const params = new URLSearchParams({ 'match[]': match });
    if (range !== undefined) {
      params.set('start', new Date(range.startMs).toISOString());
      params.set('end', new Date(range.endMs).toISOString());
    }
    // GET: Prometheus 2.x serves label values to GET only.
    const endpoint = `${this.#base}/api/v1/label/${encodeURIComponent(label)}/values`;
    const bytes = await this.#request(`${endpoint}?${params.toString()}`, undefined, MAX_LABEL_VALUES_BYTES, undefined, new AnswerBuffer());
    const { outcome, values } = this.#read(bytes, asked, endpoint, () => readLabelValuesAnswer(bytes));
    this.#check(outcome);
    return values;
  }

  /**
   * The answer to an instant query at `timeMs`, as bytes of at most `maxBytes` (else `AnswerTooLarge`), read into
   * `into` (valid until `into` is used again). Read it with `readSeries`. `signal` aborts it.
   */
  query(query: string, timeMs: number, maxBytes: number, into: AnswerBuffer, signal?: AbortSignal): Promise<Buffer> {
    // partial_response / deny_partial_response: Thanos and VictoriaMetrics otherwise answer with what they have when a
    // store is down, and a count from part of the data is not exact. Other servers ignore them.
    const form = { query, time: new Date(timeMs).toISOString(), partial_response: 'false', deny_partial_response: '1' };
    return this.#request(`${this.#base}/api/v1/query`, form, maxBytes, signal, into);
  }

  /** Reads a query answer (from `query`), each series to `onSeries`; a malformed one is an error naming `asked`. */
  readSeries(bytes: Buffer, resultType: ResultType, asked: Asked, onSeries: (series: SeriesSamples) => void): void {
    this.#check(this.#read(bytes, asked, `${this.#base}/api/v1/query`, () => readQueryAnswer(bytes, resultType, onSeries)));
  }

  #read<Result>(bytes: Buffer, asked: Asked, endpoint: string, read: () => Result): Result {
    try {
      return read();
    } catch (error) {
      if (error instanceof MalformedJson) {
        throw new CommandError(`${endpoint} answered ${asked} with a malformed answer (${error.message}): is it a Prometheus HTTP API?`);
      }
      throw error;
    }
  }

  #check(outcome: ApiOutcome): void {
    if (outcome.status === 'error') {
      throw new CommandError(`Prometheus query failed (${printable(outcome.errorType ?? 'no error type')}): ${printable(outcome.error ?? 'no message')}`);
    }
    for (const warning of outcome.warnings) this.#onWarning(printable(warning));
  }

  /**
   * POST when there is a form (a query can be long), GET otherwise. The body, whatever the status, up to
   * `maxBytes`. Each request has its own timer, cleared as soon as it is done: a report makes thousands of requests,
   * and a signal that lives on for the whole timeout keeps what it refers to alive with it.
   */
  async #request(
    endpoint: string,
    form: Record<string, string> | undefined,
    maxBytes: number,
    signal: AbortSignal | undefined,
    into: AnswerBuffer,
  ): Promise<Buffer> {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new DOMException(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`, 'TimeoutError'));
    }, REQUEST_TIMEOUT_MS);
    const forward = (): void => {
      controller.abort(signal?.reason);
    };
    signal?.addEventListener('abort', forward, { once: true });
    try {
      return await this.#exchange(endpoint, form, maxBytes, controller.signal, into);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    }
  }

  async #exchange(endpoint: string, form: Record<string, string> | undefined, maxBytes: number, signal: AbortSignal, into: AnswerBuffer): Promise<Buffer> {
    const headers = new Headers(this.#connection.headers.map(([name, value]) => [name, value]));
    headers.set('accept', 'application/json');
    // Uncompressed: Prometheus compresses a large answer several times slower than it writes it.
    headers.set('accept-encoding', 'identity');
    if (form !== undefined) headers.set('content-type', 'application/x-www-form-urlencoded');
    if (this.#connection.auth !== undefined) headers.set('authorization', this.#connection.auth.header);
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: form === undefined ? 'GET' : 'POST',
        headers,
        redirect: 'manual',
        ...(form === undefined ? {} : { body: new URLSearchParams(form) }),
        signal,
      });
    } catch (error) {
      throw this.#unreachable(error, signal);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new CommandError(
        `Prometheus at ${this.#connection.prometheusUrl.href} answered a redirect (HTTP ${response.status}), which the report does not follow: ` +
          'give --prometheus the address it redirects to',
      );
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw this.#refused(response);
    }
    let body: Buffer;
    try {
      body = await readBody(response, maxBytes, into);
    } catch (error) {
      if (error instanceof AnswerTooLarge) throw error;
      throw this.#unreachable(error, signal);
    }
    const type = response.headers.get('content-type') ?? '';
    if (!looksLikeJsonObject(body)) {
      const status = `HTTP ${response.status} ${printable(response.statusText)}`.trim();
      throw new CommandError(
        `${endpoint} is not a Prometheus HTTP API (${status}, ${type === '' ? 'no content type' : printable(type)}): ` +
          'check --prometheus, including any path prefix (e.g. http://mimir:8080/prometheus)',
      );
    }
    return body;
  }

  #unreachable(error: unknown, signal: AbortSignal): Error {
    const timedOut = (signal.reason as Error | undefined)?.name === 'TimeoutError';
    if (signal.aborted && !timedOut) return signal.reason instanceof Error ? signal.reason : new Error('aborted');
    if (timedOut || (error instanceof Error && error.name === 'TimeoutError')) {
      return new CommandError(`Prometheus at ${this.#connection.prometheusUrl.href} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
    }
    const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : 'unknown error');
    return new CommandError(`cannot reach Prometheus at ${this.#connection.prometheusUrl.href} (${printable(reason)})`);
  }

  #refused(response: Response): CommandError {
    const what = `Prometheus at ${this.#connection.prometheusUrl.href} answered ${response.status} ${response.status === 401 ? 'Unauthorized' : 'Forbidden'}`;
    const auth = this.#connection.auth;
    const tenant = this.#connection.headers.length === 0 ? '' : ` (with the header${this.#connection.headers.length === 1 ? '' : 's'} ${this.#connection.headers.map(([name]) => name).join(', ')})`;
    if (auth === undefined) {
      return new CommandError(
        `${what}${tenant}: it requires credentials, pass --bearer-token-file FILE or --basic-auth-file FILE` +
          (tenant === '' ? ' (a multi-tenant store may want a tenant instead: --header \'X-Scope-OrgID: TENANT\')' : ''),
      );
    }
    const verdict = response.status === 401 ? 'refused the credentials' : 'does not allow queries with the credentials';
    return new CommandError(`${what}${tenant}: it ${verdict} of ${authOptionName(auth.option)} ${auth.option.file}`);
  }
}

/**
 * A buffer answers are read into, kept from one answer to the next: a report reads hundreds of answers of tens of
 * megabytes, and asking the allocator for each anew lets the process's memory creep up over a long run.
 */
export class AnswerBuffer {
  static readonly #INITIAL_BYTES = 64 * 1024;
  #buffer = Buffer.allocUnsafe(AnswerBuffer.#INITIAL_BYTES);

  /** Lets go of the memory when it grew past `bytes` (a rare large answer is not kept for the rest of the run). */
  keepAtMost(bytes: number): void {
    if (this.#buffer.length > bytes) this.#buffer = Buffer.allocUnsafe(AnswerBuffer.#INITIAL_BYTES);
  }

  /** The buffer, at least `bytes` long, with its first `keep` bytes kept. */
  reserve(bytes: number, keep: number): Buffer {
    if (bytes > this.#buffer.length) {
      let length = this.#buffer.length;
      while (length < bytes) length *= 2;
      const larger = Buffer.allocUnsafe(length);
      this.#buffer.copy(larger, 0, 0, keep);
      this.#buffer = larger;
    }
    return this.#buffer;
  }
}

/** The whole body into `into`, or `AnswerTooLarge` as soon as it passes `maxBytes` (the rest is not read). */
async function readBody(response: Response, maxBytes: number, into: AnswerBuffer): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new AnswerTooLarge();
  }
  if (response.body === null) return Buffer.alloc(0);
  let size = 0;
  let buffer = into.reserve(Number.isInteger(declared) ? declared : 0, 0);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > maxBytes) {
      await reader.cancel();
      throw new AnswerTooLarge();
    }
    buffer = into.reserve(size + value.byteLength, size);
    buffer.set(value, size);
    size += value.byteLength;
  }
  return buffer.subarray(0, size);
}

/** A JSON object starts with `{` (after any white space): what every answer of the API is. */
function looksLikeJsonObject(body: Buffer): boolean {
  for (const byte of body) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x7b;
  }
  return false;
}
