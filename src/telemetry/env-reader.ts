/**
 * Environment variables → typed values, for quietcount's own settings and for an app's (the reference app reads its
 * settings with it), collecting every problem so that a misconfigured deployment learns all
 * that is wrong in one start. Messages name the variable and the rule, never a value (it may be a secret).
 */
import { isAbsolute } from 'node:path';
import { readSecretFile, SecretFileError } from '../common/secret-file.ts';

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export class EnvReader {
  readonly problems: string[] = [];
  private readonly env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv) {
    this.env = env;
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name} must be a whole number from ${String(min)} to ${String(max)}`);
      return fallback;
    }
    return Number(raw);
  }

  /** An absolute path (a relative one would depend on the directory the process happens to start in). */
  absolutePath(name: string, fallback: string): string {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (!isAbsolute(raw)) {
      this.problems.push(`${name} must be an absolute path`);
      return fallback;
    }
    return raw;
  }

  /** Unset, empty, `0` or `false` is false; one of `truthy` is true; anything else is a problem. */
  flag(name: string, truthy: readonly string[]): boolean {
    const raw = this.raw(name)?.trim().toLowerCase();
    if (raw === undefined || raw === '0' || raw === 'false') return false;
    if (truthy.includes(raw)) return true;
    this.problems.push(`${name} must be one of ${[...truthy, 'false', '0'].join(', ')} or unset`);
    return false;
  }

  /** Like `flag`, but unset stays `undefined` so that a default can decide. */
  optionalFlag(name: string): boolean | undefined {
    return this.raw(name) === undefined ? undefined : this.flag(name, ['true', '1', 'yes']);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.raw(name)?.trim().toLowerCase();
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}`);
    return fallback;
  }

  /** `NAME`, or `NAME_FILE`: a file holding the secret (see common/secret-file.ts). Never both. */
  secret(name: string): string | undefined {
    const direct = this.raw(name);
    const file = this.raw(`${name}_FILE`);
    if (direct !== undefined && file !== undefined) {
      this.problems.push(`set ${name} or ${name}_FILE, not both`);
      return undefined;
    }
    if (file === undefined) return direct;
    try {
      return readSecretFile(file);
    } catch (error) {
      if (!(error instanceof SecretFileError)) throw error;
      this.problems.push(`${name}_FILE: ${error.message}`);
      return undefined;
    }
  }

  /** Throws one ConfigError listing every problem found so far. */
  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
