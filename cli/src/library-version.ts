/**
 * quietcount-cli generates rules, dashboards and docs for the metrics of the quietcount of the same version, and reads
 * catalogs with it: a library of another version in the app would be exported one way and read another. Checked
 * before any command loads the library.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const versionOf = (packageJson: string): string => (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

/** Why the command cannot run with the quietcount the app has, or `undefined` when it can. */
export function libraryVersionProblem(appFolder: string): string | undefined {
  const own = versionOf(join(import.meta.dirname, '..', 'package.json'));
  const fromApp = createRequire(join(appFolder, 'package.json'));
  const fromCli = createRequire(import.meta.url);
  let library: string;
  try {
    library = fromApp.resolve('quietcount/package.json');
  } catch {
    try {
      library = fromCli.resolve('quietcount/package.json');
    } catch {
      return `quietcount-cli ${own} needs the library beside it: npm install quietcount@${own}`;
    }
  }
  const version = versionOf(library);
  if (version === own) return undefined;
  return `quietcount-cli ${own} works with quietcount ${own}, and this app has quietcount ${version}: install one version of both (npm install quietcount@${own}, or npm install --save-dev quietcount-cli@${version})`;
}
