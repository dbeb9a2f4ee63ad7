#!/usr/bin/env node
// A checkout of quietcount runs the TypeScript sources (Node >= 22.18 strips types); the published package, which
// ships no sources, runs the compiled CLI.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const source = new URL('../src/cli/main.ts', import.meta.url);
await import(existsSync(source) ? source.href : new URL('../dist/cli/main.js', import.meta.url).href);
