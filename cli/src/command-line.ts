/**
 * The one argument parser of every `quietcount` command: node:util's parseArgs in strict mode (unknown flags,
 * missing values and stray positionals are errors), with `--help` on every command.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './cli-io.ts';

export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type Values<Options extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: Options; strict: true; allowPositionals: false }>>['values'];

export type Parsed<Options extends ParseArgsOptionsConfig> = { readonly help: true } | { readonly help: false; readonly values: Values<Options> };

export function parseCommandLine<Options extends ParseArgsOptionsConfig>(argv: readonly string[], options: Options): Parsed<Options> {
  let values: Values<Options>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { ...options, ...HELP_OPTION }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return (values as { help?: boolean }).help === true ? { help: true } : { help: false, values };
}
