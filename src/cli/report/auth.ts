/**
 * Credentials for Prometheus, read from files so they stay out of the shell history and the process list.
 * Error messages name the file and the option, never its content.
 */
import { readFile } from 'node:fs/promises';
import { usageError } from './errors.ts';

export type AuthOption = { readonly kind: 'bearer'; readonly file: string } | { readonly kind: 'basic'; readonly file: string };

export const authOptionName = (auth: AuthOption): string => (auth.kind === 'bearer' ? '--bearer-token-file' : '--basic-auth-file');

async function readSecretFile(auth: AuthOption): Promise<string> {
  let text: string;
  try {
    text = await readFile(auth.file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw usageError(`${authOptionName(auth)} ${auth.file}: cannot read the file (${code})`);
  }
  // A trailing newline is how editors and `echo` end files, never part of the secret.
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw usageError(`${authOptionName(auth)} ${auth.file}: the file is empty`);
  return secret;
}

/** The `Authorization` header value for the option. */
export async function authorizationHeader(auth: AuthOption): Promise<string> {
  const secret = await readSecretFile(auth);
  if (auth.kind === 'bearer') return `Bearer ${secret}`;
  if (!secret.includes(':')) throw usageError(`--basic-auth-file ${auth.file}: expected one line "user:password"`);
  return `Basic ${Buffer.from(secret).toString('base64')}`;
}
