/**
 * quietcount's own log lines. An app passes its own logger (pino, or anything with pino's `info(object, message)`
 * shape); quietcount forces no logging library on it. Without one, quietcount writes pino-compatible JSON lines to
 * stdout itself, without pid or hostname (nothing about the machine or a person belongs in these lines).
 */
import type { LogLevel } from './options.ts';

type LogMethod = (object: object, message: string) => void;

/** The logger an app may pass: pino's shape, which most Node.js loggers share. */
export interface Logger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  /** pino's `child(bindings, { level })`: used, when there is one, so that quietcount's level rules its own lines. */
  child?: (bindings: Record<string, never>, options: { level: LogLevel }) => Logger;
}

/** pino's numbers for its levels, so that the lines read the same whoever writes them. */
const LEVEL_NUMBERS: Readonly<Record<LogLevel, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** Lines at `level` and above, each one JSON object on stdout. */
export function createTelemetryLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const method =
    (name: 'debug' | 'info' | 'warn' | 'error'): LogMethod =>
    (object, message) => {
      if (LEVEL_NUMBERS[name] < LEVEL_NUMBERS[level]) return;
      write(`${JSON.stringify({ level: LEVEL_NUMBERS[name], time: Date.now(), name: 'quietcount', ...object, msg: message })}\n`);
    };
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}

/**
 * The app's logger at quietcount's level (debug mode must show every increment, whatever the app's own level), or
 * quietcount's own. A logger without `child` keeps its own level, and quietcount filters by its level first.
 */
export function telemetryLogger(appLogger: Logger | undefined, level: LogLevel): Logger {
  if (appLogger === undefined) return createTelemetryLogger(level);
  if (appLogger.child !== undefined) return appLogger.child({}, { level });
  const filtered =
    (name: 'debug' | 'info' | 'warn' | 'error'): LogMethod =>
    (object, message) => {
      if (LEVEL_NUMBERS[name] >= LEVEL_NUMBERS[level]) appLogger[name](object, message);
    };
  return { debug: filtered('debug'), info: filtered('info'), warn: filtered('warn'), error: filtered('error') };
}
