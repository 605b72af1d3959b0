/**
 * The order service's HTTP API (internal: the gateway calls it). It owns the orders: writes
 * go to PostgreSQL with the outbox, reads go through the Redis cache and fall back to
 * PostgreSQL when Redis is down.
 */
import express, { type Express } from 'express';
import type pg from 'pg';
import { ordersCreatedCounter } from '../shared/demoMetrics.ts';
import type { Logger } from '../shared/logger.ts';
import { IDEMPOTENCY_HEADER, validateOrderRequest } from '../shared/orderRequest.ts';
import type { OrderCache } from './orderCache.ts';
import { createOrder, findOrder } from './orderStore.ts';

/** What the app needs. */
export interface OrderAppDeps {
  pool: pg.Pool;
  cache: OrderCache;
  /** Routing key written to outbox rows. */
  topic: string;
  log: Logger;
  /** Readiness of the parts the pool and cache do not cover (the relay's broker connection). */
  relayConnected: () => boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Builds the express app. */
export function createOrderApp(deps: OrderAppDeps): Express {
  const app = express();
  app.use(express.json());

  app.post('/orders', async (req, res) => {
    const key = req.get(IDEMPOTENCY_HEADER);
    if (!key) {
      res.status(400).json({ error: 'missing_header', field: 'Idempotency-Key' });
      return;
    }
    const validation = validateOrderRequest(req.body);
    if (!validation.ok) {
      res.status(400).json({ error: 'invalid_body', field: validation.field, message: validation.message });
      return;
    }
    const result = await createOrder(deps.pool, key, validation.request, deps.topic);
    if (result.kind === 'key-reused-with-different-body') {
      res.status(422).json({
        error: 'idempotency_key_reused',
        field: 'Idempotency-Key',
        message: 'this key was used with a different body',
      });
      return;
    }
    if (result.kind === 'created') {
      ordersCreatedCounter().inc();
      deps.log.info('order created', { orderId: result.order.orderId });
    }
    res.status(202).json({ orderId: result.order.orderId, status: result.order.status });
  });

  app.get('/orders/:id', async (req, res) => {
    const orderId = req.params.id;
    if (!UUID.test(orderId)) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    const cached = await deps.cache.get(orderId);
    if (cached.outcome === 'hit') {
      res.set('x-cache', 'hit').json(cached.order);
      return;
    }
    const order = await findOrder(deps.pool, orderId);
    if (!order) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    if (cached.outcome === 'miss') await deps.cache.putIfFinal(order);
    res.set('x-cache', cached.outcome).json(order);
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Ready when PostgreSQL answers: it is the only dependency a request cannot do without
  // (Redis down degrades reads, the broker down delays publishing through the outbox).
  app.get('/readyz', async (_req, res) => {
    const database = await deps.pool.query('SELECT 1').then(
      () => 'up',
      () => 'down',
    );
    const body = {
      database,
      cache: deps.cache.connected ? 'up' : 'down',
      broker: deps.relayConnected() ? 'up' : 'down',
    };
    res.status(database === 'up' ? 200 : 503).json(body);
  });

  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    deps.log.error('request failed', { error: error.message });
    res.status(503).json({ error: 'unavailable', message: error.message });
  });
  return app;
}
