/** Entry point of one gateway instance. */
import { gatewayConfig } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { startGateway } from './service.ts';

const config = gatewayConfig();
const log = createLogger('gateway', config.logLevel);
const gateway = await startGateway(config, log);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void gateway.close().then(() => process.exit(0));
  });
}
