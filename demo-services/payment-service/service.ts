/** Starts one payment-service instance: used by `main.ts` and, in-process, by the tests. */
import type { PaymentServiceConfig } from '../shared/config.ts';
import { createPool, ensureDatabase } from '../shared/db.ts';
import { listen } from '../shared/httpServer.ts';
import type { Logger } from '../shared/logger.ts';
import { runMigrations } from '../shared/migrations.ts';
import { OrderSaga } from '../saga/orderSaga.ts';
import { sampleStuckSagas, zeroSagaCounters } from '../saga/sagaMetrics.ts';
import { startBusConsumer, type BusConsumer } from './busConsumer.ts';
import { ChargePolicy } from './chargePolicy.ts';
import { createPaymentHealthApp } from './healthApp.ts';
import { ProviderClient } from './providerClient.ts';

/** How often the stuck-saga gauge is sampled: the scrape interval's order of magnitude. */
const STUCK_SAMPLE_INTERVAL_MS = 5000;

/** A running payment-service instance. */
export interface RunningPaymentService {
  readonly port: number;
  readonly policy: ChargePolicy;
  readonly consumer: BusConsumer;
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
  zeroSagaCounters();
  const saga = new OrderSaga({ pool, policy, maxDeliveries: config.maxDeliveries, log });
  const consumer = await startBusConsumer(config.bus, {
    saga,
    prefetch: config.prefetch,
    redeliveryDelayMs: config.redeliveryDelayMs,
    log,
  });
  const stopStuckSampler = sampleStuckSagas({
    pool,
    stuckAfterMs: config.sagaStuckAfterMs,
    intervalMs: STUCK_SAMPLE_INTERVAL_MS,
  });
  const server = await listen(
    createPaymentHealthApp({
      consumerConnected: () => consumer.connected,
      breakerState: () => policy.state,
      ...(consumer.setStalled ? { setStalled: consumer.setStalled } : {}),
    }),
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
      policy.shutdown();
      await pool.end();
    },
  };
}
