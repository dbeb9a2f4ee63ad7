/** The app's pino logger: JSON lines, nothing about the machine or the people using the app. */
import { pino, type DestinationStream, type Logger } from 'pino';

export function createAppLogger(destination?: DestinationStream): Logger {
  const options = {
    // pino's default base adds pid and hostname: neither answers a question we have.
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/**
 * An error reduced to what is safe to log: its class, code and stack frames, without the message, which can quote
 * input (a JSON parse error quotes the body, a driver error the value that violated a constraint).
 */
export function loggableError(error: unknown): { type: string; code?: string; frames?: string } {
  if (!(error instanceof Error)) return { type: typeof error };
  const code = (error as NodeJS.ErrnoException).code;
  const frames = error.stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .join('\n');
  return { type: error.name, ...(typeof code === 'string' ? { code } : {}), ...(frames ? { frames } : {}) };
}
