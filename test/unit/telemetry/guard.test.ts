import { describe, expect, it } from 'vitest';
import { canonicalEventId } from '../../../src/common/event-id.ts';
import { createGuard, endpointLabel, isStatusCode, isValidIncrement, QuietcountRuleError } from '../../../src/telemetry/guard.ts';
import { rejectionReasonNames } from '../../../src/schema/rejection-reasons.ts';

describe('canonicalEventId', () => {
  it.each([
    [42, '42'],
    ['42', '42'],
    [Number.MAX_SAFE_INTEGER, String(Number.MAX_SAFE_INTEGER)],
    ['6F9619FF-8B86-D011-B42D-00CF4FC964FF', '6f9619ff-8b86-d011-b42d-00cf4fc964ff'],
    ['6f9619ff-8b86-d011-b42d-00cf4fc964ff', '6f9619ff-8b86-d011-b42d-00cf4fc964ff'],
  ])('accepts %j as %j', (input, expected) => {
    expect(canonicalEventId(input)).toBe(expected);
  });

  it.each([
    0, -1, 1.5, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '0', '042', '-1', '1.0', '1e3', ' 1', '1 ',
    '9007199254740993', 'alice@example.com', 'Alice Smith', '+44 20 7946 0958', '192.168.1.1', '::1',
    '__proto__', 'constructor', '', 'x'.repeat(1000), '6f9619ff-8b86-d011-b42d-00cf4fc964ff\n', '{6f9619ff-8b86-d011-b42d-00cf4fc964ff}',
    null, undefined, true, {}, [], 1n, Symbol('x'),
  ])('refuses %s', (input) => {
    expect(canonicalEventId(input)).toBeUndefined();
  });
});

describe('increments, endpoints, status codes', () => {
  it('accepts only positive safe integer increments', () => {
    expect([1, 5, 2 ** 40].every(isValidIncrement)).toBe(true);
    expect([0, -1, 0.5, Number.NaN, Infinity, -Infinity, 2 ** 60, '1', null].some(isValidIncrement)).toBe(false);
  });

  it('builds endpoints from a method and a route template only', () => {
    expect(endpointLabel('GET', '/api/events/:eventId/directory')).toBe('GET /api/events/:eventId/directory');
    expect(endpointLabel('GET', '/files/*splat')).toBe('GET /files/*splat');
    expect(endpointLabel('BREW', '/coffee')).toBeUndefined();
    expect(endpointLabel('GET', '/search?q=alice')).toBeUndefined();
    expect(endpointLabel('GET', 'api/no-leading-slash')).toBeUndefined();
    expect(endpointLabel('GET', '/with space')).toBeUndefined();
    expect(endpointLabel('GET', `/${'a'.repeat(200)}`)).toBeUndefined();
  });

  it('accepts status codes 100-599', () => {
    expect([100, 200, 404, 599].every(isStatusCode)).toBe(true);
    expect([99, 600, 200.5, Number.NaN, '200'].some(isStatusCode)).toBe(false);
  });
});

describe('the guard', () => {
  it('counts every reason, starting at zero', () => {
    const guard = createGuard({ strict: false });
    expect([...guard.rejectionCounts().keys()]).toEqual(rejectionReasonNames);
    guard.reject('invalid_event_id');
    guard.count('cardinality_overflow', 3);
    expect(guard.rejectionCounts().get('invalid_event_id')).toBe(1);
    expect(guard.rejectionCounts().get('cardinality_overflow')).toBe(3);
  });

  it('throws in strict mode, naming the rule, still counting', () => {
    const guard = createGuard({ strict: true });
    expect(() => {
      guard.reject('invalid_event_id');
    }).toThrow(QuietcountRuleError);
    expect(() => {
      guard.reject('invalid_event_id');
    }).toThrow(/invalid_event_id.*neither a UUID nor a positive integer/);
    expect(guard.rejectionCounts().get('invalid_event_id')).toBe(2);
  });
});
