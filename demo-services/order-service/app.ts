/**
 * The order service's HTTP API (internal: the gateway calls it). It owns the orders: writes
 * go to PostgreSQL with the outbox, reads go through the Redis cache and fall back to
 * PostgreSQL when Redis is down.
 */
import express, { type Express } from 'express';
import type pg from 'pg';
import { ordersCreatedCounter } from '../shared/demoMetrics.ts';
import { answerUnavailable, jsonErrors, unknownRoute } from '../shared/httpErrors.ts';
import type { Logger } from '../shared/logger.ts';
import {
  IDEMPOTENCY_HEADER,
  MAX_BODY_BYTES,
  validateIdempotencyKey,
  validateOrderRequest,
} from '../shared/orderRequest.ts';
import { isDatabaseUnavailable } from './databaseErrors.ts';
import type { OrderCache } from './orderCache.ts';
import { createOrder, findOrder } from './orderStore.ts';
import { listedOrder, listOrders, MAX_LISTED_ORDERS } from './orderListing.ts';

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

const NOT_FOUND = { error: 'not_found', field: 'id', message: 'no order with this id' };

const DATABASE_UNAVAILABLE = 'the order store is unavailable, retry with the same Idempotency-Key';

const STATUSES = new Set(['pending', 'paid', 'failed']);

/** `?status=&limit=` of a listing, or the message naming the bad parameter. Pure. */
export function parseListQuery(
  query: Record<string, unknown>,
): { ok: true; status?: 'pending' | 'paid' | 'failed'; limit: number } | { ok: false; message: string } {
  const { status, limit } = query;
  if (status !== undefined && (typeof status !== 'string' || !STATUSES.has(status)))
    return { ok: false, message: 'status: pending, paid or failed' };
  if (limit !== undefined && (typeof limit !== 'string' || !/^[0-9]{1,3}$/.test(limit)))
    return { ok: false, message: `limit: a whole number from 1 to ${MAX_LISTED_ORDERS}` };
  const n = limit === undefined ? 50 : Number(limit);
  if (n < 1 || n > MAX_LISTED_ORDERS)
    return { ok: false, message: `limit: a whole number from 1 to ${MAX_LISTED_ORDERS}` };
  return { ok: true, ...(status ? { status: status as 'pending' | 'paid' | 'failed' } : {}), limit: n };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Builds the express app. */
export function createOrderApp(deps: OrderAppDeps): Express {
  const app = express();
  const json = express.json({ limit: MAX_BODY_BYTES });

  // The gateway checked the request already; checked again so nothing unchecked reaches the
  // database, whoever calls.
  app.post('/orders', json, async (req, res) => {
    const key = validateIdempotencyKey(req.get(IDEMPOTENCY_HEADER));
    if (!key.ok) {
      res.status(400).json({ error: 'invalid_header', field: 'Idempotency-Key', message: key.message });
      return;
    }
    const validation = validateOrderRequest(req.body);
    if (!validation.ok) {
      res.status(400).json({ error: 'invalid_body', field: validation.field, message: validation.message });
      return;
    }
    const result = await createOrder(deps.pool, key.key, validation.request, deps.topic);
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

  // The latest orders of the whole system with their history, for the demo console; bounded.
  app.get('/orders', async (req, res) => {
    const query = parseListQuery(req.query as Record<string, unknown>);
    if (!query.ok) {
      res.status(400).json({ error: 'invalid_query', message: query.message });
      return;
    }
    const orders = await listOrders(deps.pool, query);
    res.set('cache-control', 'no-store').json({ orders });
  });

  app.get('/orders/:id/history', async (req, res) => {
    const order = UUID.test(req.params.id) ? await listedOrder(deps.pool, req.params.id) : undefined;
    if (!order) res.status(404).json(NOT_FOUND);
    else res.set('cache-control', 'no-store').json(order);
  });

  app.get('/orders/:id', async (req, res) => {
    const orderId = req.params.id;
    if (!UUID.test(orderId)) {
      res.status(404).json(NOT_FOUND);
      return;
    }
    const cached = await deps.cache.get(orderId);
    if (cached.outcome === 'hit') {
      res.set('x-cache', 'hit').json(cached.order);
      return;
    }
    const order = await findOrder(deps.pool, orderId);
    if (!order) {
      res.status(404).json(NOT_FOUND);
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

  app.use(unknownRoute);
  app.use(
    jsonErrors({
      log: deps.log,
      limitBytes: MAX_BODY_BYTES,
      known: (error, res) => {
        if (!isDatabaseUnavailable(error)) return false;
        answerUnavailable(res, deps.log, DATABASE_UNAVAILABLE, error);
        return true;
      },
    }),
  );
  return app;
}
