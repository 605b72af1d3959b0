/**
 * Runs the console on its own: `node demo-services/console/main.ts`, configured by the
 * environment (see config.ts). Alone it has no chaos control, so its fault controls are off
 * whatever DEMO_MODE says; `npm run demo` starts it with one.
 */
import { createLogger } from '../shared/logger.ts';
import { startConsole } from './server.ts';

const log = createLogger('console');
const running = await startConsole({ dir: import.meta.dirname });
log.info('console listening', { url: running.url });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running.close().then(() => process.exit(0));
  });
}
