/**
 * Secrets read from files (Docker and Kubernetes secrets, `--bearer-token-file`): the content with surrounding
 * whitespace trimmed, as Prometheus reads its own `credentials_file`. The one reader, for environment `_FILE`
 * variables and for the CLI's options. Errors name the file and why, never its content.
 */
import { readFileSync } from 'node:fs';

export class SecretFileError extends Error {
  /** `ENOENT`, `EACCES`, ... or `empty`. */
  readonly code: string;
  constructor(file: string, code: string) {
    super(code === 'empty' ? `${file} is empty` : `cannot read ${file} (${code})`);
    this.name = 'SecretFileError';
    this.code = code;
  }
}

export function readSecretFile(file: string): string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecretFileError(file, (error as NodeJS.ErrnoException).code ?? 'unreadable');
  }
  const secret = content.trim();
  if (secret === '') throw new SecretFileError(file, 'empty');
  return secret;
}
