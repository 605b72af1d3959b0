/** Starts one payment-service instance: used by `main.ts` and, in-process, by the tests. */
import { monitorQueues } from '@faultline/instrumentation';
import type { PaymentServiceConfig } from '../shared/config.ts';
import { createPool, ensureDatabase } from '../shared/db.ts';
import { listen } from '../shared/httpServer.ts';
import type { Logger } from '../shared/logger.ts';
import { runMigrations } from '../shared/migrations.ts';
import { topology } from '../shared/topology.ts';
import { OrderSaga } from '../saga/orderSaga.ts';
import { sampleStuckSagas } from '../saga/sagaMetrics.ts';
import { ChargePolicy } from './chargePolicy.ts';
import { createPaymentHealthApp } from './healthApp.ts';
import { PaymentConsumer } from './paymentConsumer.ts';
import { ProviderClient } from './providerClient.ts';

/** How often the stuck-saga gauge is sampled: the scrape interval's order of magnitude. */
const STUCK_SAMPLE_INTERVAL_MS = 5000;

/** A running payment-service instance. */
export interface RunningPaymentService {
  readonly port: number;
  readonly policy: ChargePolicy;
  readonly consumer: PaymentConsumer;
  close(): Promise<void>;
}

/** Starts consuming; rejects if PostgreSQL is unreachable. */
export async function startPaymentService(
  config: PaymentServiceConfig,
  log: Logger,
): Promise<RunningPaymentService> {
  await ensureDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl);
  await runMigrations(pool);
  const client = new ProviderClient(config.paymentProviderUrl, config.providerTimeoutMs);
  const policy = new ChargePolicy(client, {
    retries: config.retryMaxAttempts,
    resetTimeoutMs: config.breakerResetMs,
    callTimeoutMs: config.providerTimeoutMs + 500,
  });
  const names = topology(config.amqpNamePrefix);
  const saga = new OrderSaga({ pool, policy, maxDeliveries: config.maxDeliveries, log });
  const consumer = new PaymentConsumer({
    amqpUrl: config.amqpUrl,
    topology: names,
    prefetch: config.prefetch,
    saga,
    redeliveryDelayMs: config.redeliveryDelayMs,
    log,
  });
  consumer.start();
  const stopStuckSampler = sampleStuckSagas({
    pool,
    stuckAfterMs: config.sagaStuckAfterMs,
    intervalMs: STUCK_SAMPLE_INTERVAL_MS,
  });
  // Depth and consumers of the work, retry and dead-letter queues, as the broker reports them.
  const queues = monitorQueues({
    url: config.amqpUrl,
    queues: [names.queue, names.retryQueue, names.deadLetterQueue],
    intervalMs: 5000,
  });
  const server = await listen(
    createPaymentHealthApp({ consumerConnected: () => consumer.connected, breakerState: () => policy.state }),
    config.port,
  );
  log.info('payment-service listening', { port: server.port });
  return {
    port: server.port,
    policy,
    consumer,
    async close() {
      await server.close();
      await consumer.stop();
      stopStuckSampler();
      await queues.stop();
      policy.shutdown();
      await pool.end();
    },
  };
}
