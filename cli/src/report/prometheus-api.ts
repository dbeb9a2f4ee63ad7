/**
 * The Prometheus HTTP API calls the report needs: an instant query of a range selector, which returns raw samples, and
 * the values of a label. Only `/api/v1/query` and `/api/v1/label/…/values` under the given base URL, so Mimir, Thanos
 * and Cortex (often under a path prefix such as `/prometheus`) serve them too. Every failure becomes a
 * CommandError that says what to do about it.
 */
import type { AuthOption } from './auth.ts';
import { authOptionName } from './auth.ts';
import type { Series } from './daily-increments.ts';
import { CommandError } from '../cli-io.ts';

const REQUEST_TIMEOUT_MS = 120_000;

export interface PrometheusApiOptions {
  readonly baseUrl: URL;
  readonly auth?: { readonly option: AuthOption; readonly header: string };
  readonly onWarning: (warning: string) => void;
}

interface ApiAnswer {
  readonly status?: unknown;
  readonly errorType?: unknown;
  readonly error?: unknown;
  readonly warnings?: unknown;
  readonly data?: { readonly resultType?: unknown; readonly result?: unknown } | readonly unknown[];
}

interface MatrixElement {
  readonly metric: Record<string, string>;
  readonly values: readonly (readonly [number, string])[];
}

export class PrometheusApi {
  readonly #options: PrometheusApiOptions;
  readonly #base: string;
  readonly #endpoint: string;

  constructor(options: PrometheusApiOptions) {
    this.#options = options;
    this.#base = options.baseUrl.href.replace(/\/+$/, '');
    this.#endpoint = `${this.#base}/api/v1/query`;
  }

  /** The values `label` takes on the series of `metric`. */
  async labelValues(label: string, metric: string): Promise<string[]> {
    // GET: Prometheus 2.x serves label values to GET only.
    const answer = await this.#request(`${this.#base}/api/v1/label/${encodeURIComponent(label)}/values?${new URLSearchParams({ 'match[]': metric }).toString()}`);
    const values: unknown = answer.data;
    if (!Array.isArray(values)) throw new CommandError(`${this.#base}/api/v1/label/${label}/values answered without a list: is it a Prometheus HTTP API?`);
    return values.map(String).sort();
  }

  /** Raw samples of `selector[rangeSeconds]` at `timeMs`: the samples in the range that ends at `timeMs`. */
  async rawSamples(selector: string, rangeSeconds: number, timeMs: number): Promise<Series[]> {
    const answer = await this.#request(this.#endpoint, { query: `${selector}[${rangeSeconds}s]`, time: new Date(timeMs).toISOString() });
    const data = Array.isArray(answer.data) ? undefined : (answer.data as { resultType?: unknown; result?: unknown } | undefined);
    if (data?.resultType !== 'matrix' || !Array.isArray(data.result)) {
      throw new CommandError(`${this.#endpoint} answered without a matrix of samples: is it a Prometheus HTTP API?`);
    }
    return (data.result as MatrixElement[]).map(({ metric, values }) => ({
      labels: metric,
      samples: values.map(([seconds, value]) => ({ timestampMs: Math.round(seconds * 1000), value: Number(value) })),
    }));
  }

  /** POST when there is a form (a query can be long), GET otherwise. */
  async #request(endpoint: string, form?: Record<string, string>): Promise<ApiAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.#options.auth !== undefined) headers.authorization = this.#options.auth.header;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: form === undefined ? 'GET' : 'POST',
        headers,
        ...(form === undefined ? {} : { body: new URLSearchParams(form) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw this.#unreachable(error);
    }
    if (response.status === 401 || response.status === 403) throw this.#refused(response);
    const text = await response.text();
    const answer = parseJson(text);
    if (answer?.status === 'success') {
      if (Array.isArray(answer.warnings)) for (const warning of answer.warnings) this.#options.onWarning(String(warning));
      return answer;
    }
    if (answer?.status === 'error') {
      throw new CommandError(`Prometheus query failed (${String(answer.errorType)}): ${String(answer.error)}`);
    }
    const status = `HTTP ${response.status} ${response.statusText}`.trim();
    throw new CommandError(
      `${endpoint} is not a Prometheus HTTP API (${status}, ${response.headers.get('content-type') ?? 'no content type'}): ` +
        'check --prometheus, including any path prefix (e.g. http://mimir:8080/prometheus)',
    );
  }

  #unreachable(error: unknown): CommandError {
    if (error instanceof Error && error.name === 'TimeoutError') {
      return new CommandError(`Prometheus at ${this.#options.baseUrl.href} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
    }
    const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : 'unknown error');
    return new CommandError(`cannot reach Prometheus at ${this.#options.baseUrl.href} (${reason})`);
  }

  #refused(response: Response): CommandError {
    const what = `Prometheus at ${this.#options.baseUrl.href} answered ${response.status} ${response.status === 401 ? 'Unauthorized' : 'Forbidden'}`;
    const auth = this.#options.auth;
    if (auth === undefined) {
      return new CommandError(`${what}: it requires credentials, pass --bearer-token-file FILE or --basic-auth-file FILE`);
    }
    const verdict = response.status === 401 ? 'refused the credentials' : 'does not allow queries with the credentials';
    return new CommandError(`${what}: it ${verdict} of ${authOptionName(auth.option)} ${auth.option.file}`);
  }
}

function parseJson(text: string): ApiAnswer | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
