/**
 * vitest globalSetup of the integration tests: packs quietcount and quietcount-cli once, as `npm pack --workspaces
 * --include-workspace-root` does for a release, so that every test that installs them installs the same tarballs.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT } from './paths.ts';

export interface Tarballs {
  readonly version: string;
  /** quietcount-<version>.tgz: the library. */
  readonly library: string;
  /** quietcount-cli-<version>.tgz: the build-time tools. */
  readonly cli: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tarballs: Tarballs;
  }
}

export default async function packOnce(project: TestProject): Promise<() => Promise<void>> {
  const directory = await mkdtemp(join(tmpdir(), 'quietcount-tarballs-'));
  const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  await promisify(execFile)('npm', ['pack', '--workspaces', '--include-workspace-root', '--silent', '--pack-destination', directory], {
    cwd: REPO_ROOT,
    timeout: 180_000,
  });
  project.provide('tarballs', {
    version,
    library: join(directory, `quietcount-${version}.tgz`),
    cli: join(directory, `quietcount-cli-${version}.tgz`),
  });
  return () => rm(directory, { recursive: true, force: true });
}
