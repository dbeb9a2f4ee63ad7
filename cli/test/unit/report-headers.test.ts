/**
 * Tenant headers: `--header` and `--header-file` reach the server on every request the report makes (seen by a tiny
 * Prometheus API over real HTTP), and their values are never printed; credentials, hop-by-hop and malformed headers
 * are refused on the command line, naming the option or the line, never the value.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/days.ts';
import { runReport } from '../support/report-cli.ts';
import { startFakePrometheus, type FakePrometheus } from './report-api-server.ts';

const DAY = Date.UTC(2026, 0, 10);
const DATE = '2026-01-10';
const TENANT = 'team-a-7f3c';
const SECRET_TENANT = 'tenant-b-91d2';

let server: FakePrometheus;
let refusing: FakePrometheus;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quietcount-report-headers-'));
  const series = [{ labels: { event_name: 'search_run', event_id: '42', instance: 'a' }, samples: [[DAY - DAY_MS + 1_000, '1'], [DAY + 60_000, '4']] as const }];
  server = await startFakePrometheus({ series });
  // A store that wants another tenant: 401 to every request.
  refusing = await startFakePrometheus({ series, answer: () => ({ status: 401, contentType: 'text/plain', body: 'no org id\n' }) });
});
afterAll(async () => {
  await Promise.all([server.close(), refusing.close()]);
  await rm(dir, { recursive: true, force: true });
});

const days = ['--from', DATE, '--to', DATE];

describe('tenant headers', () => {
  it('go with every request, from --header and --header-file, and are never printed', async () => {
    const file = join(dir, 'tenant');
    await writeFile(file, `# the Thanos tenant of the core team\nTHANOS-TENANT: ${SECRET_TENANT}\n\n`);
    server.requests.length = 0;
    const run = await runReport(['--prometheus', server.url, ...days, '--header', `X-Scope-OrgID: ${TENANT}`, '--header-file', file, '--format', 'csv', '--progress']);
    expect(run).toMatchObject({ code: 0, stdout: `event_name,event_id,event_date,count\nsearch_run,42,${DATE},3\n` });
    const kinds = new Set(server.requests.map((request) => request.asked.kind));
    expect(kinds).toEqual(new Set(['label-values', 'last', 'samples']));
    for (const request of server.requests) {
      expect(request.headers['x-scope-orgid']).toBe(TENANT);
      expect(request.headers['thanos-tenant']).toBe(SECRET_TENANT);
      expect(request.headers.authorization).toBeUndefined();
    }
    expect(run.stderr).not.toContain(TENANT);
    expect(run.stderr).not.toContain(SECRET_TENANT);
  });

  it('with --event checked against Prometheus (no catalog) too', async () => {
    server.requests.length = 0;
    const run = await runReport(['--prometheus', server.url, ...days, '--header', `X-Scope-OrgID: ${TENANT}`, '--event', 'search_run'], {}, dir);
    expect(run.code).toBe(0);
    expect(server.requests.length).toBeGreaterThan(2);
    expect(server.requests.every((request) => request.headers['x-scope-orgid'] === TENANT)).toBe(true);
  });

  it('a refusal names the headers sent, never their values', async () => {
    const run = await runReport(['--prometheus', refusing.url, ...days, '--header', `X-Scope-OrgID: ${TENANT}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/answered 401 Unauthorized \(with the header X-Scope-OrgID\): it requires credentials/);
    expect(run.stderr).not.toContain(TENANT);
    const bare = await runReport(['--prometheus', refusing.url, ...days]);
    expect(bare.stderr).toContain("a multi-tenant store may want a tenant instead: --header 'X-Scope-OrgID: TENANT'");
  });
});

describe('headers refused on the command line (exit 2), never echoing a value', () => {
  const refused = async (headerArgs: readonly string[], message: RegExp, value: string): Promise<void> => {
    const run = await runReport(['--prometheus', server.url, ...days, ...headerArgs]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain(value);
  };

  it.each([
    ['Authorization', /--header #1: Authorization is not allowed there, credentials have options of their own: --bearer-token-file or --basic-auth-file/],
    ['authorization', /--header #1: authorization is not allowed there/],
    ['Proxy-Authorization', /Proxy-Authorization is not allowed there/],
    ['Connection', /--header #1: Connection is not allowed \(a hop-by-hop header, or one the report sets itself\)/],
    ['Transfer-Encoding', /Transfer-Encoding is not allowed/],
    ['Upgrade', /Upgrade is not allowed/],
    ['Host', /Host is not allowed/],
    ['Accept-Encoding', /Accept-Encoding is not allowed/],
  ])('%s', async (name, message) => {
    await refused(['--header', `${name}: Bearer s3cret-value`], message, 's3cret-value');
  });

  it('malformed: no colon, a bad name, a value with a line break or nothing', async () => {
    await refused(['--header', `X-Scope-OrgID ${TENANT}`], /--header #1 is not "Name: value"/, TENANT);
    await refused(['--header', 'X-Scope-OrgID: ok', '--header', `X Scope: ${TENANT}`], /--header #2 is not "Name: value"/, TENANT);
    await refused(['--header', `X-Scope-OrgID: ${TENANT}\r\nX-Injected: 1`], /--header #1: the value of X-Scope-OrgID must be 1 to 4096 printable characters on one line/, TENANT);
    await refused(['--header', 'X-Scope-OrgID:   '], /the value of X-Scope-OrgID must be/, 'X-Scope-OrgID:   ');
  });

  it('given twice, in any case', async () => {
    await refused(['--header', `X-Scope-OrgID: ${TENANT}`, '--header', `x-scope-orgid: ${TENANT}`], /header x-scope-orgid is given more than once/, TENANT);
  });

  it('in a header file: the file and the line are named', async () => {
    const file = join(dir, 'bad-headers');
    await writeFile(file, `X-Scope-OrgID: ${TENANT}\nAuthorization: Basic ${SECRET_TENANT}\n`);
    await refused(['--header-file', file], new RegExp(`--header-file ${file} line 2: Authorization is not allowed there`), SECRET_TENANT);
    await writeFile(file, `# tenant\n${SECRET_TENANT}\n`);
    await refused(['--header-file', file], new RegExp(`--header-file ${file} line 2 is not "Name: value"`), SECRET_TENANT);
    await writeFile(file, '\n');
    await refused(['--header-file', file], /--header-file .* is empty/, SECRET_TENANT);
    await refused(['--header-file', join(dir, 'missing')], /--header-file cannot read .*missing \(ENOENT\)/, SECRET_TENANT);
  });
});
