#!/usr/bin/env node
// Published packages run the compiled CLI; a checkout runs the TypeScript source directly (Node >= 22.18 strips types).
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const compiled = new URL('../dist/cli/quietcount.js', import.meta.url);
await import(existsSync(compiled) ? compiled.href : new URL('../src/cli/quietcount.ts', import.meta.url).href);
