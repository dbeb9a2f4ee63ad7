/**
 * Extra request headers for stores that need them on every query, such as a tenant: `X-Scope-OrgID` (Grafana Mimir,
 * Cortex) or `THANOS-TENANT` (Thanos). Given as `--header 'Name: value'` or in a file, one per line, so a value that
 * is a secret stays out of the shell history and the process list. Errors name the header or the line, never a value.
 */
import { readSecretFile, SecretFileError } from 'quietcount';
import { UsageError } from '../cli-io.ts';

export type Header = readonly [name: string, value: string];

/** RFC 9110 field names: a token. */
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII and Latin-1, spaces and tabs inside; no control character (a CR or LF would start a new header). */
const FIELD_VALUE = /^[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?$/;
const MAX_HEADERS = 32;
const MAX_VALUE_LENGTH = 4_096;

/** Headers that have options of their own: credentials are read from files and never from a header option. */
const CREDENTIALS = new Set(['authorization', 'proxy-authorization']);
/** Hop-by-hop headers (RFC 9110 7.6.1) and those the report sets itself or the HTTP layer owns. */
const NOT_ALLOWED = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'host', 'content-length', 'content-type', 'content-encoding', 'accept', 'accept-encoding', 'expect',
]);

/** One `Name: value` line; `where` says where it came from (`--header #2`, `--header-file FILE line 3`). */
export function parseHeader(text: string, where: string): Header {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (!FIELD_NAME.test(name)) throw new UsageError(`${where} is not "Name: value" with a header name of letters, digits and -`);
  const lower = name.toLowerCase();
  if (CREDENTIALS.has(lower)) {
    throw new UsageError(`${where}: ${name} is not allowed there, credentials have options of their own: --bearer-token-file or --basic-auth-file`);
  }
  if (NOT_ALLOWED.has(lower)) throw new UsageError(`${where}: ${name} is not allowed (a hop-by-hop header, or one the report sets itself)`);
  const value = text.slice(colon + 1).trim();
  if (value.length > MAX_VALUE_LENGTH || !FIELD_VALUE.test(value)) {
    throw new UsageError(`${where}: the value of ${name} must be 1 to ${MAX_VALUE_LENGTH} printable characters on one line`);
  }
  return [name, value];
}

/** The lines of a header file: blank lines and lines starting with # are skipped. */
export function readHeaderFile(file: string): Header[] {
  let content: string;
  try {
    content = readSecretFile(file);
  } catch (error) {
    if (error instanceof SecretFileError) throw new UsageError(`--header-file ${error.message}`);
    throw error;
  }
  return content
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'))
    .map(({ line, number }) => parseHeader(line, `--header-file ${file} line ${number}`));
}

/** All headers, checked together: a name given twice (in any case) is a mistake, not a list. */
export function checkedHeaders(headers: readonly Header[]): Header[] {
  if (headers.length > MAX_HEADERS) throw new UsageError(`at most ${MAX_HEADERS} headers (--header and --header-file together)`);
  const seen = new Set<string>();
  for (const [name] of headers) {
    if (seen.has(name.toLowerCase())) throw new UsageError(`header ${name} is given more than once (--header and --header-file together)`);
    seen.add(name.toLowerCase());
  }
  return [...headers];
}
