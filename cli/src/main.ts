/** `node src/cli/main.ts <command>` (and bin/quietcount.js): the CLI on this process's arguments. */
import { processIo, run } from './quietcount.ts';

process.exitCode = await run(process.argv.slice(2), processIo());
