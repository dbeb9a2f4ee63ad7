/**
 * Writing generated files under the app's output folder, or (`--check`) comparing them with what is committed.
 * Never into node_modules: a generator run from an installed package writes where the app is, not where it is.
 */
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expiredEvents } from 'quietcount';
import { todayUtc } from './days.ts';
import type { LoadedCatalog } from './catalog-file.ts';
import { CommandError, UsageError, type CliIo } from './cli-io.ts';

export interface GenerateRequest {
  readonly command: string;
  readonly catalog: LoadedCatalog;
  /** Path under `out` → content. */
  readonly files: ReadonlyMap<string, string>;
  readonly out: string | undefined;
  readonly check: boolean;
}

export async function writeOrCheck(request: GenerateRequest, io: CliIo): Promise<number> {
  const out = resolve(io.cwd, request.out ?? '.');
  await refuseNodeModules(out, request.out ?? '.');
  const where = relative(io.cwd, out) || '.';
  const prefix = `quietcount ${request.command}`;
  if (request.check) {
    const stale: string[] = [];
    for (const [path, content] of request.files) {
      const committed = await readFile(join(out, path), 'utf8').catch(() => undefined);
      if (committed !== content) stale.push(committed === undefined ? `${path} (missing)` : path);
    }
    const expired = expiredEvents(request.catalog.model, todayUtc(io.now()));
    if (stale.length > 0) io.stderr.write(`${prefix}: out of date in ${where}: ${stale.join(', ')} (run quietcount ${request.command} to regenerate)\n`);
    if (expired.length > 0) {
      io.stderr.write(`${prefix}: ${request.catalog.path}: expired, no longer recorded: ${expired.join(', ')} (renew the expires date or remove the entry)\n`);
    }
    if (stale.length > 0 || expired.length > 0) return 1;
    io.stdout.write(`${prefix}: ${String(request.files.size)} file(s) in ${where} are up to date\n`);
    return 0;
  }
  for (const [path, content] of request.files) {
    await mkdir(dirname(join(out, path)), { recursive: true });
    await writeFile(join(out, path), content);
  }
  io.stdout.write(`${prefix}: wrote ${[...request.files.keys()].join(', ')} in ${where}\n`);
  return 0;
}

async function refuseNodeModules(out: string, given: string): Promise<void> {
  // The real path, so a symlink cannot smuggle the output into an installed package.
  const real = await realpath(out).catch(() => out);
  if ([...real.split(sep), ...out.split(sep)].includes('node_modules')) {
    throw new UsageError(`--out ${given} is inside node_modules: generated files belong to the app, run the command from the app's folder`);
  }
}

export { CommandError };
