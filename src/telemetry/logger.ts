import { pino, type Logger } from 'pino';
import type { LogLevel } from './options.ts';

/**
 * quietcount's own logger when the app passes none: JSON lines on stdout, without pino's default pid and hostname
 * (nothing about the machine or a person belongs in these lines).
 */
export function createTelemetryLogger(level: LogLevel): Logger {
  return pino({ name: 'quietcount', level, base: null });
}
