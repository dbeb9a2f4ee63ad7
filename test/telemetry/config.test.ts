import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadTelemetryConfig } from '../../src/telemetry/config.ts';

describe('telemetry configuration', () => {
  it('has safe defaults', () => {
    expect(loadTelemetryConfig({})).toEqual({
      metricsHost: '127.0.0.1',
      metricsPort: 9464,
      metricsToken: undefined,
      collecting: true,
      optOutVariable: undefined,
      logLevel: 'info',
      maxEventIds: 1000,
      strict: false,
    });
  });

  it('turns collection off with either opt-out variable', () => {
    expect(loadTelemetryConfig({ ANALYTICS_DISABLED: 'true' })).toMatchObject({ collecting: false, optOutVariable: 'ANALYTICS_DISABLED' });
    expect(loadTelemetryConfig({ DO_NOT_TRACK: '1' })).toMatchObject({ collecting: false, optOutVariable: 'DO_NOT_TRACK' });
    expect(loadTelemetryConfig({ DO_NOT_TRACK: '0', ANALYTICS_DISABLED: 'false' }).collecting).toBe(true);
  });

  it('is strict under NODE_ENV=test and development only', () => {
    expect(loadTelemetryConfig({ NODE_ENV: 'test' }).strict).toBe(true);
    expect(loadTelemetryConfig({ NODE_ENV: 'development' }).strict).toBe(true);
    expect(loadTelemetryConfig({ NODE_ENV: 'production' }).strict).toBe(false);
  });

  it('reports every problem at once, naming the variables', () => {
    let error: unknown;
    try {
      loadTelemetryConfig({ METRICS_PORT: 'http', ANALYTICS_MAX_EVENT_IDS: '-5', DO_NOT_TRACK: 'maybe', ANALYTICS_LOG_LEVEL: 'loud' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(4);
    expect((error as Error).message).toMatch(/METRICS_PORT.*\n.*ANALYTICS_MAX_EVENT_IDS|ANALYTICS_MAX_EVENT_IDS/s);
  });

  it('reads secrets from a file, never echoing them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quietcount-'));
    writeFileSync(join(dir, 'token'), 'tok-123\n');
    expect(loadTelemetryConfig({ METRICS_TOKEN_FILE: join(dir, 'token') }).metricsToken).toBe('tok-123');
    expect(() => loadTelemetryConfig({ METRICS_TOKEN: 'tok-456', METRICS_TOKEN_FILE: join(dir, 'token') })).toThrow(/not both/);
    expect(() => loadTelemetryConfig({ METRICS_TOKEN_FILE: join(dir, 'missing') })).toThrow(/METRICS_TOKEN_FILE: cannot read .*missing \(ENOENT\)/);
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => loadTelemetryConfig({ METRICS_TOKEN_FILE: join(dir, 'empty') })).toThrow(/is empty/);
    try {
      loadTelemetryConfig({ METRICS_TOKEN: 'tok-456', METRICS_TOKEN_FILE: join(dir, 'token') });
    } catch (error) {
      expect((error as Error).message).not.toMatch(/tok-/);
    }
  });
});
