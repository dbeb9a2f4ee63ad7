/**
 * `node src/alert-log-main.ts`: the alert-log service of docker-compose.yml (./alert-log.ts) on HOST:PORT
 * (the app image's 0.0.0.0:8080; 127.0.0.1:8080 elsewhere), until SIGTERM or SIGINT.
 */
import { createAppLogger, loggableError } from './logger.ts';
import { startAlertLog } from './alert-log.ts';

const logger = createAppLogger();

function port(raw: string | undefined): number {
  const value = Number(raw ?? '8080');
  if (!Number.isInteger(value) || value < 0 || value > 65_535) throw new Error('PORT must be a port number (0 to 65535)');
  return value;
}

try {
  const alertLog = await startAlertLog({ host: process.env.HOST ?? '127.0.0.1', port: port(process.env.PORT), logger });
  logger.info({ url: alertLog.url }, `alert log on ${alertLog.url}: POST /alerts (Alertmanager webhook), GET /healthz`);
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'alert log stopping');
    alertLog.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  if (error instanceof Error && error.message.startsWith('PORT ')) logger.fatal(error.message);
  else logger.fatal({ error: loggableError(error) }, 'alert log failed to start');
  process.exit(1);
}
