/**
 * The periods of a publication (UTC days, ISO weeks from Monday, calendar months) and publish's command line:
 * whole periods only, only periods that have ended, the last complete ones by default.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli-io.ts';
import { formatIsoDay, parseIsoDay } from '../../src/days.ts';
import { parsePublishArgs, type PublishOptions } from '../../src/publish/args.ts';
import { periodEnd, periodStart, periodsBetween, wholePeriodsProblem } from '../../src/publish/periods.ts';

const day = (text: string): number => {
  const ms = parseIsoDay(text);
  if (ms === undefined) throw new Error(`not a day: ${text}`);
  return ms;
};
const days = (list: readonly number[]): string[] => list.map(formatIsoDay);

describe('periods', () => {
  it('weeks are ISO weeks: Monday to Sunday, across a month and a year', () => {
    expect(formatIsoDay(periodStart('week', day('2026-12-06')))).toBe('2026-11-30');
    expect(formatIsoDay(periodStart('week', day('2026-11-30')))).toBe('2026-11-30');
    expect(formatIsoDay(periodEnd('week', day('2026-12-31')))).toBe('2027-01-03');
  });

  it('months are calendar months, February of a leap year included', () => {
    expect(formatIsoDay(periodStart('month', day('2028-02-29')))).toBe('2028-02-01');
    expect(formatIsoDay(periodEnd('month', day('2028-02-10')))).toBe('2028-02-29');
    expect(formatIsoDay(periodEnd('month', day('2026-12-10')))).toBe('2026-12-31');
  });

  it('lists every period of a range, in order', () => {
    expect(days(periodsBetween('week', day('2026-11-02'), day('2026-11-29')))).toEqual(['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23']);
    expect(days(periodsBetween('month', day('2026-11-01'), day('2027-01-31')))).toEqual(['2026-11-01', '2026-12-01', '2027-01-01']);
    expect(days(periodsBetween('day', day('2026-02-27'), day('2026-03-01')))).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('says which end of a range is not a whole period, and where that period starts or ends', () => {
    expect(wholePeriodsProblem('week', day('2026-11-02'), day('2026-11-29'))).toBeUndefined();
    expect(wholePeriodsProblem('week', day('2026-11-04'), day('2026-11-28'))).toBe(
      '--from 2026-11-04 is not the first day of a week: that week starts on 2026-11-02; ' +
        '--to 2026-11-28 is not the last day of a week: that week ends on 2026-11-29 (--period week publishes whole ISO weeks, Monday to Sunday)',
    );
    expect(wholePeriodsProblem('month', day('2026-11-01'), day('2026-11-29'))).toBe(
      '--to 2026-11-29 is not the last day of a month: that month ends on 2026-11-30 (--period month publishes whole calendar months)',
    );
    expect(wholePeriodsProblem('day', day('2026-11-04'), day('2026-11-04'))).toBeUndefined();
  });
});

describe("publish's command line", () => {
  // A Monday.
  const now = new Date('2026-12-07T09:30:00Z');
  const URL_ARGS = ['--prometheus', 'http://127.0.0.1:9090', '--out', 'public'];
  const options = (argv: readonly string[], env: NodeJS.ProcessEnv = {}): PublishOptions => {
    const parsed = parsePublishArgs(argv, env, now);
    if (parsed.help) throw new Error('help');
    return parsed.options;
  };
  const range = (argv: readonly string[]): [string, string] => {
    const { fromDay, toDay } = options([...URL_ARGS, ...argv]);
    return [formatIsoDay(fromDay), formatIsoDay(toDay)];
  };

  it('publishes the last complete periods by default: 12 weeks, 28 days or 6 months', () => {
    expect(options(URL_ARGS)).toMatchObject({ period: 'week', out: 'public', catalog: undefined, check: false });
    expect(range([])).toEqual(['2026-09-14', '2026-12-06']);
    expect(range(['--period', 'day'])).toEqual(['2026-11-09', '2026-12-06']);
    expect(range(['--period', 'month'])).toEqual(['2026-06-01', '2026-11-30']);
    expect(range(['--period', 'month', '--from', '2026-01-01', '--to', '2026-03-31'])).toEqual(['2026-01-01', '2026-03-31']);
  });

  it('takes the Prometheus URL from PROMETHEUS_URL, and credentials from a file', () => {
    const fromEnv = options(['--out', 'public', '--bearer-token-file', 'token'], { PROMETHEUS_URL: 'http://mimir:8080/prometheus' });
    expect(fromEnv.connection.prometheusUrl.href).toBe('http://mimir:8080/prometheus');
    expect(fromEnv.connection.auth).toEqual({ kind: 'bearer', file: 'token' });
  });

  it.each([
    [['--out', 'public'], '--prometheus URL is required (or set PROMETHEUS_URL)'],
    [['--prometheus', 'http://127.0.0.1:9090'], '--out DIR is required'],
    [[...URL_ARGS, '--period', 'year'], '--period "year" is not one of day, week, month'],
    [[...URL_ARGS, '--period', 'day', '--to', '2026-12-07'], '--to 2026-12-07 has not ended yet: only days before today (2026-12-07, UTC) are published'],
    [[...URL_ARGS, '--from', '2026-11-04', '--to', '2026-11-29'], '--from 2026-11-04 is not the first day of a week'],
    [[...URL_ARGS, '--from', '2026-11-30', '--to', '2026-11-29'], '--from 2026-11-30 is after --to 2026-11-29'],
    [[...URL_ARGS, '--from', '2026-02-30'], '--from "2026-02-30" is not a date'],
    [['--prometheus', 'http://user:secret@127.0.0.1:9090', '--out', 'public'], '--prometheus must not contain credentials'],
    [[...URL_ARGS, '--bearer-token-file', 'a', '--basic-auth-file', 'b'], 'use either --bearer-token-file or --basic-auth-file, not both'],
    [[...URL_ARGS, '--event', 'event_signup'], "Unknown option '--event'"],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parsePublishArgs(argv, {}, now)).toThrow(UsageError);
    expect(() => parsePublishArgs(argv, {}, now)).toThrow(message);
  });
});
