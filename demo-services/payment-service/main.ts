/** Entry point of one payment-service instance. */
import { paymentServiceConfig } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { startPaymentService } from './service.ts';

const config = paymentServiceConfig();
const log = createLogger('payment-service', config.logLevel);
const service = await startPaymentService(config, log);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void service.close().then(() => process.exit(0));
  });
}
