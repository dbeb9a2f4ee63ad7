/**
 * The documentation as a reader meets it: a short README, and every relative link of README.md and docs/ leading
 * to a file that exists and, with a #fragment, to a heading it has (GitHub's anchors).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.ts';

const README_MAX_LINES = 200;
const MAX_LINE = 120;

const markdownFiles = (): string[] => [
  join(REPO_ROOT, 'README.md'),
  ...readdirSync(join(REPO_ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.md')).map((file) => join(REPO_ROOT, 'docs', file)),
  ...['cli/README.md', 'examples/event-directory/README.md'].map((file) => join(REPO_ROOT, file)).filter((file) => existsSync(file)),
];

/** Lines outside fenced code blocks. */
function prose(text: string): string[] {
  let inCode = false;
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) inCode = !inCode;
    return !inCode && !line.startsWith('```');
  });
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of prose(text)) {
    const heading = /^#{1,6} +(.*?) *#*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${String(count)}`);
  }
  return anchors;
}

describe('README.md', () => {
  const text = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it(`is at most ${String(README_MAX_LINES)} lines: the rest belongs in docs/`, () => {
    expect(text.trimEnd().split('\n').length).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it(`has no line over ${String(MAX_LINE)} characters outside tables and code`, () => {
    expect(prose(text).filter((line) => line.length > MAX_LINE && !line.startsWith('|'))).toEqual([]);
  });
});

describe.each(markdownFiles().map((file) => [relative(REPO_ROOT, file), file]))('%s', (_name, file) => {
  it('links only to files that exist, and to headings they have', () => {
    const text = readFileSync(file, 'utf8');
    const broken: string[] = [];
    for (const line of prose(text)) {
      for (const [, target = ''] of line.matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [path = '', fragment] = target.split('#', 2);
        const linked = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
        if (!existsSync(linked)) {
          broken.push(`${target}: no such file`);
        } else if (fragment !== undefined && linked.endsWith('.md') && !anchorsOf(readFileSync(linked, 'utf8')).has(fragment)) {
          broken.push(`${target}: no such heading`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
