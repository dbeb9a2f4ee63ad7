/**
 * How publish reaches Prometheus: the same options as `quietcount report` (`--prometheus URL` or $PROMETHEUS_URL,
 * `--bearer-token-file`, `--basic-auth-file`), checked by the same rules and with the same messages. The report's
 * parser keeps its rules to itself, so they are repeated here until both commands share one connection module.
 */
import { UsageError } from '../cli-io.ts';
import type { AuthOption } from '../report/auth.ts';

export interface ConnectionOptions {
  readonly prometheusUrl: URL;
  readonly auth: AuthOption | undefined;
}

export const CONNECTION_OPTIONS = {
  prometheus: { type: 'string' },
  'bearer-token-file': { type: 'string' },
  'basic-auth-file': { type: 'string' },
} as const;

interface ConnectionValues {
  readonly prometheus?: string;
  readonly 'bearer-token-file'?: string;
  readonly 'basic-auth-file'?: string;
}

export function connectionOptions(values: ConnectionValues, env: NodeJS.ProcessEnv): ConnectionOptions {
  return { prometheusUrl: prometheusUrl(values.prometheus ?? env.PROMETHEUS_URL), auth: authOption(values['bearer-token-file'], values['basic-auth-file']) };
}

function prometheusUrl(text: string | undefined): URL {
  if (text === undefined || text === '') throw new UsageError('--prometheus URL is required (or set PROMETHEUS_URL)');
  const url = URL.parse(text);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--prometheus must be an http:// or https:// URL, not "${text}"`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError('--prometheus must not contain credentials: use --basic-auth-file or --bearer-token-file');
  }
  if (url.search !== '' || url.hash !== '') throw new UsageError('--prometheus must be a base URL, without ?query or #fragment');
  return url;
}

function authOption(bearerFile: string | undefined, basicFile: string | undefined): AuthOption | undefined {
  if (bearerFile !== undefined && basicFile !== undefined) {
    throw new UsageError('use either --bearer-token-file or --basic-auth-file, not both');
  }
  if (bearerFile !== undefined) return { kind: 'bearer', file: bearerFile };
  if (basicFile !== undefined) return { kind: 'basic', file: basicFile };
  return undefined;
}
