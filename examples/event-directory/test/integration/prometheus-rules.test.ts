/**
 * promtool on the project's Prometheus files: the configuration, the rules, their unit tests (prometheus/tests/) and
 * the web configuration. Debian's promtool 2.42 here; a missing binary fails, never skips.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yamlFilesIn } from '../../../../test/support/rules/rule-files.ts';
import { PROMETHEUS_DIR, writeProjectConfig } from '../../../../test/support/prometheus-config.ts';
import { promtool } from '../../../../test/support/promtool.ts';

const ruleFiles = yamlFilesIn(join(PROMETHEUS_DIR, 'rules'));
const unitTestFiles = yamlFilesIn(join(PROMETHEUS_DIR, 'tests'));

function expectSuccess({ status, output }: { status: number | null; output: string }): void {
  expect(status, `promtool failed:\n${output}`).toBe(0);
}

describe('promtool', () => {
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'quietcount-promtool-'));
    await mkdir(join(workDir, 'single'));
    await mkdir(join(workDir, 'scale-out'));
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('accepts prometheus.yml, with the secret files compose mounts, and loads every rule file', async () => {
    const configFile = await writeProjectConfig(join(workDir, 'single'), { secretFiles: await secretFiles(['metrics_token', 'prometheus_password', 'alertmanager_password']) });

    const result = await promtool(['check', 'config', configFile]);

    expectSuccess(result);
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(result.output).toContain(`SUCCESS: ${String(ruleFiles.length)} rule files found`);
  });

  it('accepts prometheus.yml with its commented scale-out blocks (external_labels, remote_write) switched on', async () => {
    const names = ['metrics_token', 'prometheus_password', 'alertmanager_password', 'remote_write_password'];
    const configFile = await writeProjectConfig(join(workDir, 'scale-out'), {
      secretFiles: await secretFiles(names),
      scaleOut: { url: 'https://central.example.internal/api/v1/push', externalLabels: { cluster: 'edge-a' } },
    });
    expectSuccess(await promtool(['check', 'config', configFile]));
  });

  /** promtool checks that secret files exist: point the /run/secrets/ paths at temp files, nothing else changes. */
  async function secretFiles(names: readonly string[]): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const name of names) {
      files[`/run/secrets/${name}`] = join(workDir, name);
      await writeFile(join(workDir, name), 'a-test-secret\n', { mode: 0o600 });
    }
    return files;
  }

  it('accepts every rule file', async () => {
    expectSuccess(await promtool(['check', 'rules', ...ruleFiles]));
  });

  it('passes the rules unit tests of prometheus/tests', async () => {
    expect(unitTestFiles.length).toBeGreaterThan(0);
    expectSuccess(await promtool(['test', 'rules', ...unitTestFiles]));
  });

  it('accepts the web configuration', async () => {
    expectSuccess(await promtool(['check', 'web-config', join(PROMETHEUS_DIR, 'web.yml')]));
  });
});
