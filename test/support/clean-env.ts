/**
 * The environment of a process that must not inherit this repository's settings (its `quietcount-source` condition
 * in NODE_OPTIONS, NODE_ENV=test, npm_* variables): an app installed from the packed tarballs, the app image
 * replayed. It keeps what reaching the npm registry from this machine needs (certificates, proxies) and HOME, where
 * npm keeps its cache.
 */
import { dirname } from 'node:path';

const NETWORK = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];

export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(NETWORK.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])));
  return {
    ...kept,
    // The Node.js running the tests first, so `npm` (a node script) and the apps run on it.
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}
