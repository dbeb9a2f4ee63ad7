/**
 * Errors the report explains to its user in one line: no stack trace, and never a secret (tokens and passwords
 * stay out of every message).
 */
export class ReportError extends Error {
  /** 2 for a mistake on the command line, 1 for a failure while talking to Prometheus. */
  readonly exitCode: 1 | 2;
  constructor(message: string, exitCode: 1 | 2 = 1) {
    super(message);
    this.name = 'ReportError';
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string): ReportError => new ReportError(message, 2);
