import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveTelemetryConfig, telemetryOptionsFromEnv } from '../../../src/telemetry/config.ts';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('telemetry configuration', () => {
  it('has safe defaults', () => {
    expect(resolveTelemetryConfig({}, {})).toEqual({
      metricsHost: '127.0.0.1',
      metricsPort: 9464,
      metricsToken: undefined,
      collecting: true,
      optOut: undefined,
      logLevel: 'info',
      maxEventIds: 1000,
      strict: false,
      zeroHoldMs: 60_000,
      handoverIntervalMs: 1000,
      peersDirectory: join(tmpdir(), `quietcount-${String(process.getuid?.() ?? 'user')}`),
    });
  });

  it('takes the directory where PM2 instances meet as an absolute path only', () => {
    expect(resolveTelemetryConfig({}, { ANALYTICS_PEERS_DIR: '/run/user/1000/shop' }).peersDirectory).toBe('/run/user/1000/shop');
    expect(resolveTelemetryConfig({ peersDirectory: '/srv/shop/run' }, { ANALYTICS_PEERS_DIR: 'relative' }).peersDirectory).toBe('/srv/shop/run');
    expect(problemsOf(() => resolveTelemetryConfig({}, { ANALYTICS_PEERS_DIR: 'run/shop' }))).toEqual(['ANALYTICS_PEERS_DIR must be an absolute path']);
    expect(problemsOf(() => resolveTelemetryConfig({ peersDirectory: 'run/shop' }, {}))).toEqual(['option peersDirectory must be an absolute path']);
  });

  it('turns collection off with either opt-out variable, or the disabled option', () => {
    expect(resolveTelemetryConfig({}, { ANALYTICS_DISABLED: 'true' })).toMatchObject({ collecting: false, optOut: 'ANALYTICS_DISABLED' });
    expect(resolveTelemetryConfig({}, { DO_NOT_TRACK: '1' })).toMatchObject({ collecting: false, optOut: 'DO_NOT_TRACK' });
    expect(resolveTelemetryConfig({}, { DO_NOT_TRACK: '0', ANALYTICS_DISABLED: 'false' }).collecting).toBe(true);
    expect(resolveTelemetryConfig({ disabled: true }, {})).toMatchObject({ collecting: false, optOut: 'option' });
  });

  it('lets the environment opt out even when the app passes disabled: false', () => {
    expect(resolveTelemetryConfig({ disabled: false }, { DO_NOT_TRACK: '1' })).toMatchObject({ collecting: false, optOut: 'DO_NOT_TRACK' });
  });

  it('is strict under NODE_ENV=test and development, unless told otherwise', () => {
    expect(resolveTelemetryConfig({}, { NODE_ENV: 'test' }).strict).toBe(true);
    expect(resolveTelemetryConfig({}, { NODE_ENV: 'development' }).strict).toBe(true);
    expect(resolveTelemetryConfig({}, { NODE_ENV: 'production' }).strict).toBe(false);
    expect(resolveTelemetryConfig({}, { NODE_ENV: 'test', ANALYTICS_STRICT: 'false' }).strict).toBe(false);
    expect(resolveTelemetryConfig({}, { NODE_ENV: 'production', ANALYTICS_STRICT: 'true' }).strict).toBe(true);
    expect(resolveTelemetryConfig({ strict: false }, { NODE_ENV: 'test', ANALYTICS_STRICT: 'true' }).strict).toBe(false);
    expect(resolveTelemetryConfig({ strict: true }, { NODE_ENV: 'production' }).strict).toBe(true);
  });

  it('takes explicit options over the environment, and reads no variable an option replaces', () => {
    const env = { METRICS_HOST: '0.0.0.0', METRICS_PORT: 'not-a-port', ANALYTICS_MAX_EVENT_IDS: '-1', ANALYTICS_LOG_LEVEL: 'loud' };
    expect(resolveTelemetryConfig({ metrics: { host: '::1', port: 0, token: 'tok-1' }, maxEventIds: 50, logLevel: 'debug' }, env)).toMatchObject({
      metricsHost: '::1',
      metricsPort: 0,
      metricsToken: 'tok-1',
      maxEventIds: 50,
      logLevel: 'debug',
    });
  });

  it('reports every problem at once, naming the variables and options', () => {
    const problems = problemsOf(() =>
      resolveTelemetryConfig(
        { maxEventIds: 0, metrics: { port: 70_000 } },
        { METRICS_PORT: 'http', ANALYTICS_MAX_EVENT_IDS: '-5', DO_NOT_TRACK: 'maybe', ANALYTICS_LOG_LEVEL: 'loud', ANALYTICS_STRICT: 'sometimes' },
      ),
    );
    expect([...problems].sort()).toEqual([
      'ANALYTICS_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent',
      'ANALYTICS_STRICT must be one of true, 1, yes, false, 0 or unset',
      'DO_NOT_TRACK must be one of 1, true, yes, false, 0 or unset',
      'option maxEventIds must be a whole number from 1 to 100000',
      'option metrics.port must be a whole number from 0 to 65535',
    ]);
  });

  it('reads secrets from a file, never echoing them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quietcount-'));
    writeFileSync(join(dir, 'token'), '  tok-123\n');
    expect(resolveTelemetryConfig({}, { METRICS_TOKEN_FILE: join(dir, 'token') }).metricsToken).toBe('tok-123');
    expect(problemsOf(() => resolveTelemetryConfig({}, { METRICS_TOKEN: 'tok-456', METRICS_TOKEN_FILE: join(dir, 'token') }))).toEqual([
      'set METRICS_TOKEN or METRICS_TOKEN_FILE, not both',
    ]);
    expect(problemsOf(() => resolveTelemetryConfig({}, { METRICS_TOKEN_FILE: join(dir, 'missing') }))).toEqual([
      `METRICS_TOKEN_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`,
    ]);
    writeFileSync(join(dir, 'empty'), '\n');
    expect(problemsOf(() => resolveTelemetryConfig({}, { METRICS_TOKEN_FILE: join(dir, 'empty') }))).toEqual([`METRICS_TOKEN_FILE: ${join(dir, 'empty')} is empty`]);
    expect(() => resolveTelemetryConfig({}, { METRICS_TOKEN: 'tok-456', METRICS_TOKEN_FILE: join(dir, 'token') })).toThrow(/^((?!tok-).)*$/s);
  });

  it('gives the settings of the environment as options createTelemetry takes', () => {
    expect(telemetryOptionsFromEnv({ METRICS_PORT: '0', METRICS_TOKEN: 'tok-9', ANALYTICS_MAX_EVENT_IDS: '10', DO_NOT_TRACK: '1', ANALYTICS_PEERS_DIR: '/run/quietcount' })).toEqual({
      metrics: { host: '127.0.0.1', port: 0, token: 'tok-9' },
      maxEventIds: 10,
      disabled: true,
      logLevel: 'info',
      strict: false,
      zeroHoldMs: 60_000,
      handoverIntervalMs: 1000,
      peersDirectory: '/run/quietcount',
    });
    expect(problemsOf(() => telemetryOptionsFromEnv({ METRICS_PORT: 'x', ANALYTICS_MAX_EVENT_IDS: 'y' }))).toHaveLength(2);
  });
});
