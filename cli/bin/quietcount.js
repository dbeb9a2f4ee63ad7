#!/usr/bin/env node
// A checkout of quietcount runs the TypeScript sources (Node >= 22.18 strips types), with `quietcount` itself
// resolved to the library's sources too; the published package, which ships no sources, runs the compiled CLI.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { URL } from 'node:url';

const source = new URL('../src/main.ts', import.meta.url);
if (existsSync(source)) {
  registerHooks({
    resolve: (specifier, context, next) => next(specifier, { ...context, conditions: [...context.conditions, 'quietcount-source'] }),
  });
}
await import(existsSync(source) ? source.href : new URL('../dist/main.js', import.meta.url).href);
