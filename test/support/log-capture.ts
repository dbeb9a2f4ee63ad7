import { pino, type Logger } from 'pino';

/** A pino logger whose JSON lines are kept in memory, so a test can read exactly what would have been logged. */
export function captureLogs(level = 'debug'): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const logger = pino({ level, base: null }, { write: (line: string) => lines.push(line) });
  return { logger, lines, text: () => lines.join('') };
}
