/**
 * The demo's services in this process for the console's browser test: gateway, order service,
 * one payment-service instance and the provider simulator, on the machine's PostgreSQL, Redis
 * and RabbitMQ under names of their own (database, key prefix, queue prefix), all removed by
 * `stop()`. Their metrics land in this process's Faultline registry.
 */
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import type { BackendConfig } from '../../shared/config.ts';
import { createPool, dropDatabase } from '../../shared/db.ts';
import { listen } from '../../shared/httpServer.ts';
import { createLogger } from '../../shared/logger.ts';
import { topology } from '../../shared/topology.ts';
import { startGateway } from '../../gateway/service.ts';
import { startOrderService } from '../../order-service/service.ts';
import { createProviderApp } from '../../payment-provider/app.ts';
import { startPaymentService } from '../../payment-service/service.ts';
import { waitFor } from './waitFor.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = 'redis://127.0.0.1:6379';

/** Orders by status in the stack's database. */
export type StatusCounts = Record<'pending' | 'paid' | 'failed', number>;

/** The running services. */
export interface ConsoleStack {
  readonly gatewayUrl: string;
  /** The provider simulator; its admin API injects faults. */
  readonly providerUrl: string;
  statusCounts(): Promise<StatusCounts>;
  stop(): Promise<void>;
}

/** Starts the services; `breakerResetMs` is the payment breaker's open time. */
export async function startConsoleStack(options: { breakerResetMs: number }): Promise<ConsoleStack> {
  const prefix = `console${randomBytes(4).toString('hex')}`;
  const log = createLogger(prefix, 'error');
  const backend: BackendConfig = {
    databaseUrl: `postgres://postgres@127.0.0.1:5432/faultline_${prefix}`,
    redisUrl: REDIS_URL,
    amqpUrl: AMQP_URL,
    amqpNamePrefix: `${prefix}.`,
    redisKeyPrefix: `${prefix}:`,
  };
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const close of stops.reverse()) await close().catch(() => undefined);
    await Promise.all([
      dropDatabase(backend.databaseUrl),
      deleteQueues(prefix),
      deleteKeys(backend.redisKeyPrefix),
    ]);
  };
  try {
    const provider = await listen(createProviderApp(), 0, '127.0.0.1');
    stops.push(() => provider.close());
    const orders = await startOrderService(
      { ...backend, port: 0, outboxPollMs: 50, cacheTtlSeconds: 60, logLevel: 'error' },
      log,
    );
    stops.push(() => orders.close());
    const gateway = await startGateway(
      {
        port: 0,
        orderServiceUrl: `http://127.0.0.1:${orders.port}`,
        upstreamTimeoutMs: 5000,
        logLevel: 'error',
      },
      log,
    );
    stops.push(() => gateway.close());
    const payments = await startPaymentService(
      {
        ...backend,
        port: 0,
        paymentProviderUrl: `http://127.0.0.1:${provider.port}`,
        prefetch: 10,
        providerTimeoutMs: 1000,
        retryMaxAttempts: 2,
        redeliveryDelayMs: 200,
        maxDeliveries: 1000,
        breakerResetMs: options.breakerResetMs,
        logLevel: 'error',
      },
      log,
    );
    stops.push(() => payments.close());
    await waitFor(
      () => (payments.consumer.connected ? true : undefined),
      () => 'the payment consumer to attach to its queue',
    );
    const pool = createPool(backend.databaseUrl);
    stops.push(() => pool.end());
    return {
      gatewayUrl: `http://127.0.0.1:${gateway.port}`,
      providerUrl: `http://127.0.0.1:${provider.port}`,
      async statusCounts() {
        const { rows } = await pool.query<{ status: keyof StatusCounts; n: string }>(
          'SELECT status, count(*) AS n FROM orders GROUP BY status',
        );
        const counts: StatusCounts = { pending: 0, paid: 0, failed: 0 };
        for (const row of rows) counts[row.status] = Number(row.n);
        return counts;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function deleteQueues(prefix: string): Promise<void> {
  const names = topology(`${prefix}.`);
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of [names.queue, names.retryQueue, names.deadLetterQueue])
      await channel.deleteQueue(queue);
    for (const exchange of [names.exchange, names.deadLetterExchange]) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}

async function deleteKeys(keyPrefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
