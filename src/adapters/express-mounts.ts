/**
 * Whether express's `req.baseUrl` is a route template. It holds the part of the path that the routers and sub-apps a
 * request went through were mounted on, as the request spelt it: a template while those mounts are static paths
 * (`app.use('/api', router)`), a raw value when one has a parameter (`app.use('/users/:userId', router)` puts
 * `/users/john.smith` there). express keeps no template of a mount, so this finds the mounts that account for
 * `baseUrl` in the app's own router stacks, matching it again with each mount's own matcher, and vouches for it only
 * when every one of them is a plain path. Anything it cannot read is not vouched for.
 */
import type { IncomingMessage } from 'node:http';

/** Deeper nesting of routers and sub-apps than any app has: a bound, not a limit an app meets. */
const MAX_DEPTH = 32;

/** Whether every mount that can account for `baseUrl` (not empty) is a path without parameters. */
export function isStaticMountPath(req: IncomingMessage, baseUrl: string): boolean {
  const apps = appsOf(req);
  const outermost = apps[0];
  const stack = outermost === undefined ? undefined : stackOfApp(outermost);
  return stack !== undefined && accountFor(baseUrl, stack, apps, 0, 0) === 'static';
}

/**
 * How the mounts of `stack` account for `path`: 'static' when some do and all of those are plain paths,
 * 'raw' when one that matches has a parameter or cannot be read, 'none' when none matches.
 */
type Account = 'static' | 'raw' | 'none';

function accountFor(path: string, stack: readonly unknown[], apps: readonly object[], appIndex: number, depth: number): Account {
  if (depth > MAX_DEPTH) return 'raw';
  let account: Account = 'none';
  for (const layer of stack) {
    if (!isObject(layer) || (layer as { route?: unknown }).route !== undefined) continue;
    const inner = innerStackOf(layer, apps, appIndex);
    if (inner === 'none') continue;
    const matched = matchMount(layer, path);
    if (matched === 'no match') continue;
    if (inner === 'unreadable' || matched === 'unreadable' || matched.parameterised) return 'raw';
    // express strips the slash a mount ends with from `baseUrl`, and gives the next router the rest with a slash.
    const rest = path.slice(matched.path.length);
    const below = rest === '' ? 'static' : accountFor(rest.startsWith('/') ? rest : `/${rest}`, inner.stack, apps, inner.appIndex, depth + 1);
    if (below === 'raw') return 'raw';
    if (below === 'static') account = 'static';
  }
  return account;
}

interface Inner {
  readonly stack: readonly unknown[];
  readonly appIndex: number;
}

/**
 * The stack a mount layer leads to: a router's own, or a sub-app's, when the request is inside that sub-app
 * (express sets `req.app` to the innermost app, and each sub-app knows its parent). 'none' for a layer that mounts
 * nothing (middleware) or a sub-app this request did not end in.
 */
function innerStackOf(layer: object, apps: readonly object[], appIndex: number): Inner | 'none' | 'unreadable' {
  const { handle, name } = layer as { handle?: unknown; name?: unknown };
  const routerStack: unknown = typeof handle === 'function' ? (handle as { stack?: unknown }).stack : undefined;
  if (Array.isArray(routerStack)) return { stack: routerStack, appIndex };
  if (name !== 'mounted_app') return 'none';
  const subApp = apps[appIndex + 1];
  if (subApp === undefined) return 'none';
  const stack = stackOfApp(subApp);
  return stack === undefined ? 'unreadable' : { stack, appIndex: appIndex + 1 };
}

interface MountMatch {
  readonly path: string;
  readonly parameterised: boolean;
}

/**
 * The mount's own match of `path`, read without changing the layer: router 2 (express 5) keeps pure matchers, one
 * per path; express 4 a regular expression and the names of its parameters. A mount on a regular expression counts
 * as parameterised: what it matched is the request's text, not a template.
 */
function matchMount(layer: object, path: string): MountMatch | 'no match' | 'unreadable' {
  const { slash, matchers, regexp, keys } = layer as { slash?: unknown; matchers?: unknown; regexp?: unknown; keys?: unknown };
  if (Array.isArray(matchers)) {
    // `app.use(fn)`: mounted on '/', every path matches and nothing is taken off.
    if (slash === true) return { path: '', parameterised: false };
    for (const matcher of matchers as unknown[]) {
      if (typeof matcher !== 'function') return 'unreadable';
      let match: unknown;
      try {
        match = (matcher as (path: string) => unknown)(path);
      } catch {
        // A matcher decodes the values it matches and throws on a malformed one: this runs as a response ends, where
        // a throw would end the process.
        return 'unreadable';
      }
      if (match === false) continue;
      const { path: matchedPath, params } = (isObject(match) ? match : {}) as { path?: unknown; params?: unknown };
      if (typeof matchedPath !== 'string' || !isObject(params)) return 'unreadable';
      return { path: matchedPath, parameterised: matcher.name === 'regexpMatcher' || Object.keys(params).length > 0 };
    }
    return 'no match';
  }
  if (regexp instanceof RegExp && Array.isArray(keys)) {
    if ((regexp as { fast_slash?: unknown }).fast_slash === true) return { path: '', parameterised: false };
    const lastIndex = regexp.lastIndex;
    const match = regexp.exec(path);
    regexp.lastIndex = lastIndex;
    if (match === null) return 'no match';
    return { path: match[0], parameterised: keys.length > 0 || !isMadeFromPath(regexp) };
  }
  return 'unreadable';
}

/**
 * Whether express 4 made this regular expression from a path string (path-to-regexp 0.1 ends every mount's with this
 * lookahead), rather than taking the app's own regular expression as it is.
 */
function isMadeFromPath(regexp: RegExp): boolean {
  return regexp.source.endsWith('(?=\\/|$)');
}

/** The apps the request is in, outermost first. */
function appsOf(req: IncomingMessage): object[] {
  const apps: object[] = [];
  let app: unknown = (req as { app?: unknown }).app;
  while (isObject(app) && apps.length <= MAX_DEPTH && !apps.includes(app)) {
    apps.unshift(app);
    app = (app as { parent?: unknown }).parent;
  }
  return apps;
}

/** An app's router stack: express 4 keeps its router in `_router` (its `app.router` throws), express 5 in `router`. */
function stackOfApp(app: object): readonly unknown[] | undefined {
  let router: unknown;
  try {
    router = '_router' in app ? app._router : (app as { router?: unknown }).router;
  } catch {
    return undefined;
  }
  const stack = isObject(router) ? (router as { stack?: unknown }).stack : undefined;
  return Array.isArray(stack) ? stack : undefined;
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
