/**
 * quietcount's own log lines: through a pino logger at quietcount's level (debug mode shows every increment whatever
 * the app's level), through a logger without `child` filtered by quietcount's level, or as pino-like JSON lines of
 * quietcount's own when the app passes none.
 */
import { describe, expect, it } from 'vitest';
import { createTelemetryLogger, telemetryLogger, type Logger } from '../../../src/telemetry/logger.ts';
import { captureLogs } from '../../support/log-capture.ts';

describe('the telemetry logger', () => {
  it('writes pino-compatible JSON lines at its level and above, without pid or hostname', () => {
    const lines: string[] = [];
    const logger = createTelemetryLogger('info', (line) => lines.push(line));
    logger.debug({ delta: 1 }, 'hidden');
    logger.warn({ eventName: 'checkout_started' }, 'shown');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, name: 'quietcount', eventName: 'checkout_started', msg: 'shown' });
    expect(Object.keys(line)).toEqual(['level', 'time', 'name', 'eventName', 'msg']);
  });

  it("uses a pino logger's child at quietcount's level, below the app's own", () => {
    const app = captureLogs('warn');
    telemetryLogger(app.logger, 'debug').debug({ delta: 1 }, 'recorded');
    expect(app.text()).toContain('"msg":"recorded"');
  });

  it('filters by its own level a logger that has no child', () => {
    const calls: string[] = [];
    const plain: Logger = {
      debug: (_object, message) => calls.push(`debug ${message}`),
      info: (_object, message) => calls.push(`info ${message}`),
      warn: (_object, message) => calls.push(`warn ${message}`),
      error: (_object, message) => calls.push(`error ${message}`),
    };
    const logger = telemetryLogger(plain, 'warn');
    logger.info({}, 'quiet');
    logger.error({}, 'loud');
    expect(calls).toEqual(['error loud']);
  });
});
