/**
 * The guard's template rule against the templates the frameworks document: every one must become an endpoint label,
 * and nothing that marks a value rather than a template (an e-mail address, a query, an encoded byte) may.
 */
import { describe, expect, it } from 'vitest';
import { endpointLabel } from '../../../src/telemetry/guard.ts';

const TEMPLATES: Record<string, readonly string[]> = {
  'express 5 and @koa/router 14+ (path-to-regexp 8)': ['/files/*splat', '/plans{/:planId}', '/flights/:from-:to', '/plantae/:genus.:species', '/users/:userId/books/:bookId'],
  'express 4 and @koa/router 12-13 (path-to-regexp 0.1 and 6)': ['/user/:id(\\d+)', '/ab?cd', '/ab+cd', '/ab*cd', '/ab(cd)?e', '/files/(.*)', '/:category/:title?'],
  Fastify: ['/example/:file(^\\d+).png', '/example/near/:lat-:lng/radius/:r', '/example/at/:hour(^\\d{2})h:minute(^\\d{2})m', '/public/*', '/name::verb', '/:id(^[a-f0-9]{24}$)'],
  Hono: ['/post/:date{[0-9]+}/:title{[a-z]+}', '/posts/:filename{.+\\.png}', '/api/animal/:type?', '/wild/*/card', '/files/:name{(jpg|png)}'],
};

describe('the route template rule', () => {
  it.each(Object.entries(TEMPLATES))("accepts the documented templates of %s", (_framework, templates) => {
    for (const template of templates) expect(endpointLabel('GET', template), template).toBe(`GET ${template}`);
  });

  it.each([
    '/search?q=alice',
    '/users/alice@example.com',
    '/with space',
    '/a%20b',
    '/page#section',
    '/x"y',
    "/x'y",
    '/x\ny',
    '/x;jsessionid=1',
    '/x&token',
    '/<script>',
    'plans/:planId',
    '',
    `/${'a'.repeat(121)}`,
  ])('refuses %j', (template) => {
    expect(endpointLabel('GET', template)).toBeUndefined();
  });
});
