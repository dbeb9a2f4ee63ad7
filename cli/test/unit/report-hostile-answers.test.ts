/**
 * `quietcount report` believes no server: a tiny Prometheus API over real HTTP answers with what a broken or hostile
 * store could send, and each answer must end in exit code 1 with a message that names the series or the answer (never
 * a value from it, never "unexpected error"), or be refused in a way that cannot forge a row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/days.ts';
import { renderReport, REPORT_FORMATS } from '../../src/report/format.ts';
import { runReport } from '../support/report-cli.ts';
import { startFakePrometheus, type Answer, type AskedQuery, type FakePrometheus, type StoredSeries } from './report-api-server.ts';

const DAY = Date.UTC(2026, 0, 10);
const DATE = '2026-01-10';
const MINUTE = 60_000;

/** page_viewed for ids 7 and 42 on one instance: a sample a minute from the day before to the end of the day. */
function storedSeries(): StoredSeries[] {
  return ['7', '42'].map((eventId, index) => ({
    labels: { event_name: 'page_viewed', event_id: eventId, instance: '10.0.0.1:9464', job: 'app' },
    samples: Array.from({ length: 2 * 1_440 }, (_, minute) => [DAY - DAY_MS + minute * MINUTE, String(Math.floor(minute / (index + 2)))] as const),
  }));
}

let hostile: ((asked: AskedQuery, honest: () => string) => Answer | undefined) | undefined;
let server: FakePrometheus;

beforeAll(async () => {
  server = await startFakePrometheus({ series: storedSeries(), answer: (asked, honest) => hostile?.(asked, honest) });
});
afterAll(async () => {
  await server.close();
});

const report = (more: readonly string[] = []) => runReport(['--prometheus', server.url, '--from', DATE, '--to', DATE, '--format', 'csv', ...more]);

interface MatrixAnswer {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
}

/** The day's samples answer of the test instead of the honest one; everything else honest. */
function onSamples(rewrite: (honest: MatrixAnswer) => unknown): void {
  hostile = (asked, honest) => (asked.kind === 'samples' ? { body: JSON.stringify(rewrite(JSON.parse(honest()) as MatrixAnswer)) } : undefined);
}

async function fails(message: RegExp, more: readonly string[] = []): Promise<string> {
  const run = await report(more);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toContain('unexpected error');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.code).toBe(1);
  return run.stderr;
}

describe('an honest server', () => {
  it('is counted exactly (the baseline from the day before, one increment a sample)', async () => {
    hostile = undefined;
    const run = await report();
    expect(run).toMatchObject({ code: 0, stderr: '' });
    // Each counter went up by 1 every 2 (id 7) or 3 (id 42) minutes since the day before: 720 and 480 on the day.
    expect(run.stdout).toBe(`event_name,event_id,event_date,count\npage_viewed,7,${DATE},720\npage_viewed,42,${DATE},480\n`);
  });
});

describe('a sample that is not a count', () => {
  it.each([['NaN'], ['+Inf'], ['-Inf'], ['-5'], ['0.5'], ['2.25'], ['1e3'], ['12345678901234567890']])(
    '%s: exit 1, naming the series and the day, never the value',
    async (value) => {
      onSamples((answer) => {
        const series = answer.data.result[1];
        series?.values.splice(100, 1, [series.values[100]?.[0] ?? 0, value]);
        return answer;
      });
      const stderr = await fails(/analytics_events_total\{event_name="page_viewed", event_id="42"\} has a sample on 2026-01-10 that is not a count/);
      expect(stderr).not.toContain(value);
      expect(stderr).toContain(`answered the samples of event_name "page_viewed", event ids 7 to 42 (2) on ${DATE}`);
    },
  );

  it('a baseline value that is not a count, too', async () => {
    hostile = (asked, honest) => (asked.kind === 'last' ? { body: honest().replace(/"value":\[([0-9.]+),"\d+"\]/, '"value":[$1,"-Inf"]') } : undefined);
    const stderr = await fails(/answered the last values of event_name "page_viewed", event ids 7 to 42 \(2\) on 2026-01-09 with .* not a count/);
    expect(stderr).not.toContain('Inf');
  });
});

describe('samples outside the time asked for', () => {
  it.each([
    ['1970-01-04', Date.UTC(1970, 0, 4)],
    ['the day after', DAY + DAY_MS + MINUTE],
    ['the day before, more than the edge', DAY - MINUTE],
  ])('%s: never counted, the answer refused', async (_label, ms) => {
    onSamples((answer) => {
      answer.data.result[0]?.values.unshift([ms / 1000, '3']);
      answer.data.result[0]?.values.sort((a, b) => a[0] - b[0]);
      return answer;
    });
    await fails(/event_id="7"\} has a sample outside the time asked for: refused, it is never counted/);
  });

  it('samples out of time order, or the same series twice', async () => {
    onSamples((answer) => {
      answer.data.result[0]?.values.reverse();
      return answer;
    });
    await fails(/event_id="7"\} has samples out of time order/);
    onSamples((answer) => ({ ...answer, data: { ...answer.data, result: [...answer.data.result, ...answer.data.result] } }));
    await fails(/with analytics_events_total\{event_name="page_viewed", event_id="7"\} twice: refused/);
  });
});

describe('label values that could forge a row', () => {
  const forged = `42\n\u001b[2Jpage_viewed,1,${DATE},999999`;

  it('an event id from the label values API: refused, never echoed', async () => {
    hostile = (asked) => (asked.kind === 'label-values' && asked.label === 'event_id' ? { body: JSON.stringify({ status: 'success', data: ['7', forged] }) } : undefined);
    const stderr = await fails(/answered an event_id value of event_name "page_viewed" that is not an event id .*: refused/);
    expect(stderr).not.toContain('999999');
    expect(stderr).not.toContain('\u001b');
  });

  it('an event name from the label values API: refused, never echoed', async () => {
    hostile = (asked) =>
      asked.kind === 'label-values' && asked.label === 'event_name' ? { body: JSON.stringify({ status: 'success', data: ['page_viewed', `x\n\u001b]0;owned\u0007`] }) } : undefined;
    const stderr = await fails(/answered an event_name value of analytics_events_total that is not an event name/);
    expect(stderr).not.toContain('owned');
  });

  it('a series whose labels were not asked for: refused', async () => {
    onSamples((answer) => {
      const first = answer.data.result[0];
      if (first !== undefined) first.metric.event_id = forged;
      return answer;
    });
    const stderr = await fails(/with a series that was not asked for \(another event_name or event_id\): refused/);
    expect(stderr).not.toContain('999999');
  });

  it('every format keeps one row per count whatever a value holds', () => {
    const row = { eventName: `page_viewed\n\u001b[2Jx,"y"`, eventId: forged, eventDate: DATE, count: 3 };
    const options = { minCount: undefined, from: DATE, to: DATE };
    for (const format of REPORT_FORMATS) {
      const { stdout } = renderReport([row], { ...options, format });
      expect(stdout).not.toContain('\u001b');
      if (format === 'json') {
        const parsed = JSON.parse(stdout) as { rows: { event_name: string; event_id: string }[] };
        expect(parsed.rows).toEqual([expect.objectContaining({ event_name: row.eventName, event_id: row.eventId, count: 3 })]);
      } else {
        // A header and one row, nothing else; the forged line is inside the row, escaped.
        expect(stdout.trimEnd().split('\n')).toHaveLength(2);
        expect(stdout).toContain('\\u001b[2J');
      }
    }
  });
});

describe('malformed answers say which answer', () => {
  const asked = `the samples of event_name "page_viewed", event ids 7 to 42 \\(2\\) on ${DATE}`;
  it.each([
    ['values not a list', (answer: MatrixAnswer) => withFirst(answer, (series) => ({ ...series, values: 5 })), '"values" of a series is not a list'],
    ['metric null', (answer: MatrixAnswer) => withFirst(answer, (series) => ({ ...series, metric: null })), '"metric" of a series is not an object of labels'],
    ['no values', (answer: MatrixAnswer) => withFirst(answer, (series) => ({ metric: series.metric })), 'a series has no "metric" or no "values"'],
    ['a value that is a number', (answer: MatrixAnswer) => withFirst(answer, (series) => ({ ...series, values: [[DAY / 1000, 5]] })), 'a sample value is not a string'],
    ['a time that is a string', (answer: MatrixAnswer) => withFirst(answer, (series) => ({ ...series, values: [[String(DAY / 1000), '5']] })), 'a number expected'],
    ['a sample of three', (answer: MatrixAnswer) => withFirst(answer, (series) => ({ ...series, values: [[DAY / 1000, '5', '6']] })), 'a sample has more than a time and a value'],
    ['a label that is not a string', (answer: MatrixAnswer) => withFirst(answer, (series) => ({ ...series, metric: { event_id: 7 } })), 'a label value is not a string'],
    ['result not a list', () => ({ status: 'success', data: { resultType: 'matrix', result: {} } }), '"result" is not a list'],
    ['a vector for a matrix', () => ({ status: 'success', data: { resultType: 'vector', result: [] } }), '"resultType" is "vector", not "matrix"'],
    ['no data', () => ({ status: 'success' }), 'it has no "data"'],
    ['no status', () => ({ data: { resultType: 'matrix', result: [] } }), '"status" is neither'],
    ['native histograms', (answer: MatrixAnswer) => withFirst(answer, (series) => ({ metric: series.metric, histograms: [] })), 'a series holds native histogram samples'],
  ])('%s', async (_label, rewrite, reason) => {
    onSamples(rewrite);
    await fails(new RegExp(`answered ${asked} with a malformed answer \\(${reason.replace(/[()"]/g, '\\$&')}.*\\): is it a Prometheus HTTP API\\?`));
  });

  it('JSON cut short, or with trailing bytes', async () => {
    hostile = (query, honest) => (query.kind === 'samples' ? { body: honest().slice(0, 500) } : undefined);
    await fails(new RegExp(`answered ${asked} with a malformed answer \\(it ends before`));
    hostile = (query, honest) => (query.kind === 'samples' ? { body: `${honest()}{"status":"success"}` } : undefined);
    await fails(/with a malformed answer \(the end of the answer expected at byte/);
  });

  it('not JSON at all', async () => {
    hostile = (query) => (query.kind === 'samples' ? { status: 502, contentType: 'text/html', body: '<html>bad gateway</html>' } : undefined);
    await fails(/\/api\/v1\/query is not a Prometheus HTTP API \(HTTP 502 Bad Gateway, text\/html\)/);
  });

  it('an error whose text holds escape sequences: printed escaped, on one line', async () => {
    hostile = (query) =>
      query.kind === 'samples' ? { status: 422, body: JSON.stringify({ status: 'error', errorType: 'execution', error: 'bad\n\u001b[31mthing' }) } : undefined;
    const stderr = await fails(/Prometheus query failed \(execution\): bad\\n\\u001b\[31mthing/);
    expect(stderr).not.toContain('\u001b');
  });
});

function withFirst(answer: MatrixAnswer, change: (series: Record<string, unknown>) => unknown): unknown {
  const [first, ...rest] = answer.data.result;
  return { ...answer, data: { ...answer.data, result: [change(first ?? {}), ...rest] } };
}
