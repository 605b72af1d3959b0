/** Entry point of the order service. */
import { orderServiceConfig } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { startOrderService } from './service.ts';

const config = orderServiceConfig();
const log = createLogger('order-service', config.logLevel);
const service = await startOrderService(config, log);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void service.close().then(() => process.exit(0));
  });
}
