/**
 * deploy/init-secrets.sh, the `secrets` service of docker-compose.yml, run for real (POSIX sh, the real htpasswd),
 * and its output used the way the stack uses it: each generated web.yml passes `promtool check web-config` and makes
 * a real Prometheus, or a real Alertmanager, accept the generated password and nothing else; every secret file a
 * service of docker-compose.yml names is one the script creates in that service's volume.
 */
import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promtool } from '../../../../test/support/promtool.ts';
import { startPrometheus, type PrometheusServer } from '../../../../test/support/prometheus.ts';
import { REPO_ROOT } from '../../../../test/support/paths.ts';
import { pathToFileURL } from 'node:url';
import { startAlertmanager, type AlertmanagerServer } from '../../../../test/support/alertmanager.ts';

const run = promisify(execFile);
const root = pathToFileURL(`${REPO_ROOT}/`);
const script = new URL('deploy/init-secrets.sh', root).pathname;
const template = new URL('prometheus/web.yml', root).pathname;
const alertmanagerTemplate = new URL('alertmanager/web.yml', root).pathname;
const read = (path: string): Promise<string> => readFile(new URL(path, root), 'utf8');

const SERVICES = ['app', 'prometheus', 'alertmanager', 'grafana'] as const;
const SECRET = /^[A-Za-z0-9]{40}$/;
/** Root hands each directory to its service's user, as in compose; anyone else can only hand it to themselves. */
const uid = process.getuid?.() ?? 0;
const owners = uid === 0
  ? { app: 1000, prometheus: 65_534, alertmanager: 65_534, grafana: 472 }
  : { app: uid, prometheus: uid, alertmanager: uid, grafana: uid };

async function htpasswdPath(): Promise<string> {
  const path = process.env.HTPASSWD_BIN ?? '/usr/bin/htpasswd';
  try {
    await access(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is not an executable: apt-get install apache2-utils (the httpd image has it in compose), or set HTPASSWD_BIN`);
  }
  return path;
}

async function initSecrets(secretsRoot: string): Promise<string> {
  const htpasswd = await htpasswdPath();
  const { stdout } = await run('sh', [script], {
    env: {
      PATH: `${join(htpasswd, '..')}:/usr/bin:/bin`,
      SECRETS_ROOT: secretsRoot,
      WEB_CONFIG_TEMPLATE: template,
      ALERTMANAGER_WEB_CONFIG_TEMPLATE: alertmanagerTemplate,
      APP_UID: String(owners.app),
      PROMETHEUS_UID: String(owners.prometheus),
      ALERTMANAGER_UID: String(owners.alertmanager),
      GRAFANA_UID: String(owners.grafana),
    },
  });
  return stdout;
}

async function filesOf(directory: string): Promise<Record<string, string>> {
  const names = (await readdir(directory)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(join(directory, name), 'utf8')] as const)));
}

let secretsRoot: string;
let firstOutput: string;
let first: Record<(typeof SERVICES)[number], Record<string, string>>;

beforeAll(async () => {
  secretsRoot = await mkdtemp(join(tmpdir(), 'quietcount-secrets-'));
  firstOutput = await initSecrets(secretsRoot);
  first = {
    app: await filesOf(join(secretsRoot, 'app')),
    prometheus: await filesOf(join(secretsRoot, 'prometheus')),
    alertmanager: await filesOf(join(secretsRoot, 'alertmanager')),
    grafana: await filesOf(join(secretsRoot, 'grafana')),
  };
});

afterAll(async () => {
  await rm(secretsRoot, { recursive: true, force: true });
});

describe('init-secrets.sh', () => {
  it('creates one volume directory per service with random 40-character secrets, each secret shared where needed', () => {
    expect(Object.keys(first.app)).toEqual(['admin_token', 'metrics_token']);
    expect(Object.keys(first.prometheus)).toEqual(['alertmanager_password', 'metrics_token', 'prometheus_password', 'web.yml']);
    expect(Object.keys(first.alertmanager)).toEqual(['web.yml']);
    expect(Object.keys(first.grafana)).toEqual(['admin_password', 'prometheus_password']);
    const secrets = [
      first.app.admin_token,
      first.app.metrics_token,
      first.grafana.admin_password,
      first.grafana.prometheus_password,
      first.prometheus.alertmanager_password,
    ];
    for (const secret of secrets) expect(secret).toMatch(SECRET);
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(first.prometheus.metrics_token).toBe(first.app.metrics_token);
    expect(first.prometheus.prometheus_password).toBe(first.grafana.prometheus_password);
    expect(firstOutput).toMatch(/docker compose exec grafana cat \/run\/secrets\/admin_password/);
    expect(firstOutput).not.toContain(first.grafana.admin_password);
  });

  it('hands each directory to its service user alone: read-only, nobody else may even list it', async () => {
    for (const service of SERVICES) {
      const directory = join(secretsRoot, service);
      const info = await stat(directory);
      expect(info.uid, service).toBe(owners[service]);
      expect(info.mode & 0o777, service).toBe(0o500);
      for (const file of await readdir(directory)) {
        const fileInfo = await stat(join(directory, file));
        expect([fileInfo.uid, fileInfo.mode & 0o777], `${service}/${file}`).toEqual([owners[service], 0o400]);
      }
    }
  });

  it.each([
    ['prometheus', 'prometheus/web.yml'],
    ['alertmanager', 'alertmanager/web.yml'],
  ] as const)('writes the %s web.yml of the project with only the hash of this installation password in place of the committed one', async (service, path) => {
    const committed = (await read(path)).split('\n');
    const generated = first[service]['web.yml']?.split('\n') ?? [];
    expect(generated).toHaveLength(committed.length);
    const changed = generated.flatMap((line, index) => (line === committed[index] ? [] : [line]));
    expect(changed).toEqual([expect.stringMatching(/^ {2}quietcount: \$2y\$12\$[./A-Za-z0-9]{53}$/) as unknown]);
  });

  it('keeps every secret on a later run, and refreshes web.yml', async () => {
    const output = await initSecrets(secretsRoot);
    expect(output).toMatch(/already in place/);
    expect(await filesOf(join(secretsRoot, 'app'))).toEqual(first.app);
    expect(await filesOf(join(secretsRoot, 'grafana'))).toEqual(first.grafana);
    const prometheus = await filesOf(join(secretsRoot, 'prometheus'));
    expect(prometheus.metrics_token).toBe(first.prometheus.metrics_token);
    expect(prometheus.alertmanager_password).toBe(first.prometheus.alertmanager_password);
    // A new salt, the same password.
    expect(prometheus['web.yml']).not.toBe(first.prometheus['web.yml']);
    const alertmanager = await filesOf(join(secretsRoot, 'alertmanager'));
    expect(alertmanager['web.yml']).not.toBe(first.alertmanager['web.yml']);
    for (const service of ['prometheus', 'alertmanager']) {
      expect((await promtool(['check', 'web-config', join(secretsRoot, service, 'web.yml')])).status, service).toBe(0);
    }
  });

  it('fails, creating nothing, when the template has no entry for the Prometheus user', async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), 'quietcount-secrets-'));
    try {
      await expect(
        run('sh', [script], { env: { PATH: '/usr/bin:/bin', SECRETS_ROOT: elsewhere, WEB_CONFIG_TEMPLATE: template, PROMETHEUS_USER: 'nobody-here' } }),
      ).rejects.toMatchObject({ stderr: expect.stringMatching(/no basic_auth_users entry for nobody-here/) as unknown });
      expect(await readdir(elsewhere)).toEqual([]);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('the generated web.yml in a real Prometheus', () => {
  let prometheus: PrometheusServer;
  const username = 'quietcount';

  beforeAll(async () => {
    expect(await promtool(['check', 'web-config', join(secretsRoot, 'prometheus', 'web.yml')])).toMatchObject({ status: 0 });
    prometheus = await startPrometheus({
      extraFlags: [`--web.config.file=${join(secretsRoot, 'prometheus', 'web.yml')}`],
      basicAuth: { username, password: first.grafana.prometheus_password ?? '' },
    });
  });

  afterAll(async () => {
    await prometheus.close();
  });

  const status = async (authorization?: string): Promise<number> =>
    (await fetch(`${prometheus.url}/api/v1/status/runtimeinfo`, { headers: authorization === undefined ? {} : { authorization } })).status;
  const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('answers the installation password, with the 180-day retention', async () => {
    expect(await status(basic(username, first.grafana.prometheus_password ?? ''))).toBe(200);
    expect(await prometheus.get('/api/v1/status/runtimeinfo')).toMatchObject({ storageRetention: '180d' });
  });

  it('refuses no password, a wrong one, and the committed development one', async () => {
    expect(await status()).toBe(401);
    expect(await status(basic(username, 'wrong'))).toBe(401);
    expect(await status(basic(username, 'quietcount-dev-password-change-me'))).toBe(401);
  });
});

describe('the generated Alertmanager web.yml in a real Alertmanager', () => {
  let alertmanager: AlertmanagerServer;

  beforeAll(async () => {
    const password = first.prometheus.alertmanager_password ?? '';
    alertmanager = await startAlertmanager({
      configFile: new URL('alertmanager/alertmanager.yml', root).pathname,
      webConfigFile: join(secretsRoot, 'alertmanager', 'web.yml'),
      basicAuth: { username: 'quietcount', password },
    });
  });

  afterAll(async () => {
    await alertmanager.close();
  });

  const status = async (password?: string): Promise<number> => {
    const headers: Record<string, string> = password === undefined ? {} : { authorization: `Basic ${Buffer.from(`quietcount:${password}`).toString('base64')}` };
    return (await fetch(`${alertmanager.url}/api/v2/status`, { headers })).status;
  };

  it('answers the password Prometheus sends (its alertmanager_password)', async () => {
    expect(await status(first.prometheus.alertmanager_password)).toBe(200);
    expect(await alertmanager.get('/api/v2/status')).toMatchObject({ cluster: { status: 'disabled' } });
  });

  it('refuses no password, a wrong one, and the committed development one', async () => {
    expect(await status()).toBe(401);
    expect(await status('wrong')).toBe(401);
    expect(await status('quietcount-dev-password-change-me')).toBe(401);
  });
});

describe('docker-compose.yml and the generated secrets', () => {
  it('names, in every service, only secret files the script creates in that service volume', async () => {
    const compose = parseYaml(await read('docker-compose.yml')) as {
      services: Record<string, { environment?: Record<string, string>; command?: string[] }>;
    };
    // Configuration lines, not comments (prometheus.yml and alertmanager.yml comment out examples with their own
    // secrets: remote_write, Slack, email).
    const configLines = async (path: string): Promise<string[]> => (await read(path)).split('\n').filter((line) => !line.trim().startsWith('#'));
    const prometheusConfig = await configLines('prometheus.yml');
    const datasource = await configLines('grafana/provisioning/datasources/prometheus.yaml');
    const alertmanagerConfig = await configLines('alertmanager/alertmanager.yml');
    const referenced: Record<(typeof SERVICES)[number], string[]> = {
      app: Object.values(compose.services.app?.environment ?? {}),
      prometheus: [...(compose.services.prometheus?.command ?? []), ...prometheusConfig],
      alertmanager: [...(compose.services.alertmanager?.command ?? []), ...alertmanagerConfig],
      grafana: [...Object.values(compose.services.grafana?.environment ?? {}), ...datasource],
    };
    for (const service of SERVICES) {
      const files = referenced[service].flatMap((line) => [...line.matchAll(/\/run\/secrets\/([\w.]+)/g)].map((match) => match[1]));
      expect(files.length, service).toBeGreaterThan(0);
      for (const file of files) expect(Object.keys(first[service]), `${service} reads /run/secrets/${file ?? ''}`).toContain(file);
    }
  });
});
