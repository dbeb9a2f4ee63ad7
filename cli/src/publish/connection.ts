/**
 * How publish reaches Prometheus: the same options as `quietcount report` (`--prometheus URL` or $PROMETHEUS_URL,
 * `--bearer-token-file`, `--basic-auth-file`, `--header`, `--header-file`), from the one connection module.
 */
export { CONNECTION_HELP, CONNECTION_OPTIONS, connectionOptions, openConnection, type ConnectionOptions } from '../report/connection.ts';
