/**
 * The reference app's own variables: defaults, ranges, and one error that names every variable at fault and no
 * value.
 */
import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../src/config.ts';
import { ConfigError } from 'quietcount';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadAppConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('HTTP timeouts', () => {
  it('default to 10 s for headers, 30 s for the whole request, 5 s for idle keep-alive', () => {
    expect(loadAppConfig({}).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 });
  });

  it('are read from HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS and HTTP_KEEP_ALIVE_TIMEOUT_MS', () => {
    const env = { HTTP_HEADERS_TIMEOUT_MS: '2000', HTTP_REQUEST_TIMEOUT_MS: '4000', HTTP_KEEP_ALIVE_TIMEOUT_MS: '1500' };
    expect(loadAppConfig(env).http).toEqual({ headersTimeoutMs: 2_000, requestTimeoutMs: 4_000, keepAliveTimeoutMs: 1_500 });
  });

  it('refuses values out of range or not whole numbers, all in one error, without echoing them', () => {
    const problems = problemsOf({
      HTTP_HEADERS_TIMEOUT_MS: '0',
      HTTP_REQUEST_TIMEOUT_MS: 'soon-9137',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '99999999',
    });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/HTTP_HEADERS_TIMEOUT_MS[^]*HTTP_REQUEST_TIMEOUT_MS[^]*HTTP_KEEP_ALIVE_TIMEOUT_MS/);
    expect(problems.join('\n')).not.toMatch(/soon-9137|99999999/);
  });

  it('refuses a header bound longer than the request bound, which Node would never apply', () => {
    expect(problemsOf({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toEqual([
      'HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS',
    ]);
  });
});
