/**
 * Credentials for Prometheus, read from files so they stay out of the shell history and the process list.
 * Error messages name the file and the option, never its content.
 */
import { UsageError } from '../cli-io.ts';
import { SecretFileError, readSecretFile } from 'quietcount';

export type AuthOption = { readonly kind: 'bearer'; readonly file: string } | { readonly kind: 'basic'; readonly file: string };

export const authOptionName = (auth: AuthOption): string => (auth.kind === 'bearer' ? '--bearer-token-file' : '--basic-auth-file');

/** The `Authorization` header value for the option. */
export function authorizationHeader(auth: AuthOption): string {
  let secret: string;
  try {
    secret = readSecretFile(auth.file);
  } catch (error) {
    if (error instanceof SecretFileError) throw new UsageError(`${authOptionName(auth)} ${error.message}`);
    throw error;
  }
  if (auth.kind === 'bearer') return `Bearer ${secret}`;
  if (!secret.includes(':')) throw new UsageError(`--basic-auth-file ${auth.file}: expected one line "user:password"`);
  return `Basic ${Buffer.from(secret).toString('base64')}`;
}
