/**
 * Starts the order service: database (created and migrated if needed), cache, outbox relay and
 * HTTP API. Used by `main.ts` and, in-process, by the tests.
 */
import type { OrderServiceConfig } from '../shared/config.ts';
import { createPool, ensureDatabase } from '../shared/db.ts';
import { pendingOrdersGauge } from '../shared/demoMetrics.ts';
import { listen } from '../shared/httpServer.ts';
import type { Logger } from '../shared/logger.ts';
import { runMigrations } from '../shared/migrations.ts';
import { createOrderApp } from './app.ts';
import { startBusRelay, type BusRelay } from './busRelay.ts';
import { OrderCache } from './orderCache.ts';

/** A running order service. */
export interface RunningOrderService {
  readonly port: number;
  readonly relay: BusRelay;
  close(): Promise<void>;
}

/** Starts everything; rejects if PostgreSQL is unreachable or a migration fails. */
export async function startOrderService(
  config: OrderServiceConfig,
  log: Logger,
): Promise<RunningOrderService> {
  await ensureDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl);
  const applied = await runMigrations(pool);
  if (applied.length > 0) log.info('migrations applied', { applied });
  pendingOrdersGauge(async () => {
    const result = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM orders WHERE status = 'pending'",
    );
    return result.rows[0]?.n ?? 0;
  });
  const cache = new OrderCache({
    target: config.redis,
    keyPrefix: config.redisKeyPrefix,
    ttlSeconds: config.cacheTtlSeconds,
    log,
  });
  const relay = await startBusRelay(config.bus, { pool, pollMs: config.outboxPollMs, log });
  const app = createOrderApp({
    pool,
    cache,
    topic: relay.topic,
    log,
    relayConnected: () => relay.connected,
  });
  const server = await listen(app, config.port);
  log.info('order-service listening', { port: server.port });
  return {
    port: server.port,
    relay,
    async close() {
      await server.close();
      await relay.stop();
      await cache.close();
      await pool.end();
    },
  };
}
