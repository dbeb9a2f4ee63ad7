/**
 * How a command reaches the Prometheus HTTP API (or a store that serves it: Mimir, Thanos, Cortex, VictoriaMetrics):
 * the base URL, credentials and extra headers. One set of options for every command that reads Prometheus (`report`,
 * `publish`): spread `CONNECTION_OPTIONS` into the command's parseArgs options, turn the values into
 * `ConnectionOptions` with `connectionOptions`, print `CONNECTION_HELP` in its help, and `openConnection` before the
 * first request (it reads the files).
 */
import { UsageError } from '../cli-io.ts';
import { authorizationHeader, type AuthOption } from './auth.ts';
import { checkedHeaders, parseHeader, readHeaderFile, type Header } from './headers.ts';

export const CONNECTION_OPTIONS = {
  prometheus: { type: 'string' },
  'bearer-token-file': { type: 'string' },
  'basic-auth-file': { type: 'string' },
  header: { type: 'string', multiple: true },
  'header-file': { type: 'string', multiple: true },
} as const;

/** The values parseArgs gives for `CONNECTION_OPTIONS`. */
export interface ConnectionValues {
  readonly prometheus?: string | undefined;
  readonly 'bearer-token-file'?: string | undefined;
  readonly 'basic-auth-file'?: string | undefined;
  readonly header?: readonly string[] | undefined;
  readonly 'header-file'?: readonly string[] | undefined;
}

/** The command line's connection settings, checked; files are read by `openConnection`. */
export interface ConnectionOptions {
  readonly prometheusUrl: URL;
  readonly auth: AuthOption | undefined;
  /** `--header` values, parsed. */
  readonly headers: readonly Header[];
  readonly headerFiles: readonly string[];
}

/** What a request needs: the base URL, the Authorization header with its option (for messages), extra headers. */
export interface Connection {
  readonly prometheusUrl: URL;
  readonly auth: { readonly option: AuthOption; readonly header: string } | undefined;
  readonly headers: readonly Header[];
}

export const CONNECTION_HELP = `  --prometheus URL          Prometheus base URL, with any path prefix (http://mimir:8080/prometheus);
                            default: $PROMETHEUS_URL
  --bearer-token-file FILE  send the token in FILE as "Authorization: Bearer"
  --basic-auth-file FILE    send the "user:password" line in FILE as HTTP basic auth
  --header 'NAME: VALUE'    send this header on every request, e.g. a tenant: 'X-Scope-OrgID: team-a' (Mimir,
                            Cortex) or 'THANOS-TENANT: team-a' (Thanos); repeatable. Never Authorization (use the
                            options above), nor a hop-by-hop header. Values are never printed.
  --header-file FILE        the same, one 'NAME: VALUE' per line (# starts a comment); repeatable`;

export function connectionOptions(values: ConnectionValues, env: NodeJS.ProcessEnv): ConnectionOptions {
  const headers = (values.header ?? []).map((text, index) => parseHeader(text, `--header #${index + 1}`));
  return {
    prometheusUrl: prometheusUrl(values.prometheus ?? env.PROMETHEUS_URL),
    auth: authOption(values['bearer-token-file'], values['basic-auth-file']),
    headers: checkedHeaders(headers),
    headerFiles: values['header-file'] ?? [],
  };
}

/** Reads the credential and header files: a UsageError names the file (and line), never its content. */
export function openConnection(options: ConnectionOptions): Connection {
  const auth = options.auth === undefined ? undefined : { option: options.auth, header: authorizationHeader(options.auth) };
  const headers = checkedHeaders([...options.headers, ...options.headerFiles.flatMap(readHeaderFile)]);
  return { prometheusUrl: options.prometheusUrl, auth, headers };
}

function prometheusUrl(text: string | undefined): URL {
  if (text === undefined || text === '') throw new UsageError('--prometheus URL is required (or set PROMETHEUS_URL)');
  const url = URL.parse(text);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--prometheus must be an http:// or https:// URL, not ${JSON.stringify(text.slice(0, 100))}`);
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
