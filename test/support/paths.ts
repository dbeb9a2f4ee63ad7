/** Where things are in this repository, for the tests of every package in it. */
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const CLI_DIR = join(REPO_ROOT, 'cli');
export const EXAMPLE_DIR = join(REPO_ROOT, 'examples', 'event-directory');
/**
 * Node's flag for a process that runs this repository's TypeScript: `quietcount` resolves to the library's sources
 * (the "quietcount-source" condition of package.json "exports"), as npm scripts get it from .npmrc.
 */
export const SOURCE_CONDITION = '--conditions=quietcount-source';
