/** Entry point of the payment-provider simulator. */
import { paymentProviderConfig } from '../shared/config.ts';
import { listen } from '../shared/httpServer.ts';
import { createLogger } from '../shared/logger.ts';
import { createProviderApp } from './app.ts';

const config = paymentProviderConfig();
const log = createLogger('payment-provider', config.logLevel);
const server = await listen(createProviderApp(), config.port);
log.info('payment-provider listening', { port: server.port });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
