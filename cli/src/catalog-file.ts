/**
 * Finding and loading the app's catalog: `--catalog FILE`, else the `quietcount.catalog` field of the app's
 * package.json, else `quietcount.catalog.{ts,mts,js,mjs,cjs}` in the app's folder. A TypeScript catalog is loaded by
 * Node's own type stripping (Node >= 22.18), so the app needs no build step for it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CatalogError, validateCatalog, type CatalogModel } from 'quietcount';
import { CommandError, type CliIo } from './cli-io.ts';

export const DEFAULT_CATALOG_FILES = ['quietcount.catalog.ts', 'quietcount.catalog.mts', 'quietcount.catalog.js', 'quietcount.catalog.mjs', 'quietcount.catalog.cjs'];

export interface LoadedCatalog {
  readonly model: CatalogModel;
  /** As the user would write it: relative to the app's folder. */
  readonly path: string;
}

/** The catalog's path, or `undefined` when none is given and none is found. */
export function locateCatalog(flag: string | undefined, io: CliIo): string | undefined {
  if (flag !== undefined) {
    const path = resolve(io.cwd, flag);
    if (!existsSync(path)) throw new CommandError(`--catalog ${flag}: no such file`);
    return path;
  }
  const fromPackage = packageJsonCatalog(io.cwd);
  if (fromPackage !== undefined) {
    const path = resolve(io.cwd, fromPackage);
    if (!existsSync(path)) throw new CommandError(`package.json names the catalog ${fromPackage} (field "quietcount.catalog"), which does not exist`);
    return path;
  }
  return DEFAULT_CATALOG_FILES.map((file) => resolve(io.cwd, file)).find((path) => existsSync(path));
}

/** The catalog, validated; a command that needs one fails with what to do when there is none. */
export async function loadCatalog(flag: string | undefined, io: CliIo): Promise<LoadedCatalog> {
  const path = locateCatalog(flag, io);
  if (path === undefined) {
    throw new CommandError(
      `no catalog found in ${io.cwd}: pass --catalog FILE, set "quietcount": { "catalog": FILE } in package.json, or create ${DEFAULT_CATALOG_FILES[0] ?? ''}`,
    );
  }
  return importCatalog(path, io);
}

export async function importCatalog(path: string, io: CliIo): Promise<LoadedCatalog> {
  const shown = isAbsolute(path) && !relative(io.cwd, path).startsWith('..') ? relative(io.cwd, path) : path;
  let module: { default?: unknown; catalog?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown; catalog?: unknown };
  } catch (error) {
    throw new CommandError(`cannot load the catalog ${shown}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const exported = module.default ?? module.catalog;
  if (exported === undefined) throw new CommandError(`${shown} has no default export: export default defineCatalog({ … })`);
  try {
    return { model: validateCatalog(exported), path: shown };
  } catch (error) {
    if (error instanceof CatalogError) throw new CommandError(`${shown}: ${error.message}`);
    throw error;
  }
}

function packageJsonCatalog(cwd: string): string | undefined {
  const file = resolve(cwd, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const field = (JSON.parse(readFileSync(file, 'utf8')) as { quietcount?: { catalog?: unknown } }).quietcount?.catalog;
    return typeof field === 'string' && field !== '' ? field : undefined;
  } catch {
    return undefined;
  }
}
