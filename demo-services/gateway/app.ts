/**
 * The public HTTP API. It checks requests (so a bad one never reaches the order service) and
 * forwards them over HTTP, so one order is one trace from the gateway to the payment. Reads
 * go to the order service too: it owns the cache and the database.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../shared/logger.ts';
import {
  IDEMPOTENCY_HEADER,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  validateOrderRequest,
} from '../shared/orderRequest.ts';
import { OrderServiceUnavailableError, type OrderServiceClient } from './orderServiceClient.ts';

/** What the gateway app needs. */
export interface GatewayDeps {
  orders: OrderServiceClient;
  log: Logger;
  /** True once shutdown began: readiness fails so the load balancer drains this instance. */
  draining: () => boolean;
}

/** Builds the express app. */
export function createGatewayApp(deps: GatewayDeps): Express {
  const app = express();
  app.use(express.json({ limit: '100kb' }));

  app.post('/api/orders', async (req, res) => {
    const key = req.get(IDEMPOTENCY_HEADER);
    if (!key || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      res.status(400).json({
        error: 'invalid_header',
        field: 'Idempotency-Key',
        message: key ? `at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` : 'required',
      });
      return;
    }
    const validation = validateOrderRequest(req.body);
    if (!validation.ok) {
      res.status(400).json({ error: 'invalid_body', field: validation.field, message: validation.message });
      return;
    }
    const answer = await deps.orders.createOrder(key, validation.request);
    res.status(answer.status).json(answer.body);
  });

  app.get('/api/orders/:id', async (req, res) => {
    const answer = await deps.orders.getOrder(req.params.id);
    if (answer.cache) res.set('x-cache', answer.cache);
    res.status(answer.status).json(answer.body);
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    if (deps.draining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    const upstream = await deps.orders.ready();
    res
      .status(upstream ? 200 : 503)
      .json({ status: upstream ? 'ok' : 'unavailable', orderService: upstream ? 'up' : 'down' });
  });

  app.use(
    (
      error: Error & { status?: number; type?: string },
      _req: Request,
      res: Response,
      _next: NextFunction,
    ) => {
      if (error.type === 'entity.parse.failed' || error.status === 400) {
        res.status(400).json({ error: 'invalid_json', field: 'body', message: error.message });
        return;
      }
      if (error instanceof OrderServiceUnavailableError) {
        deps.log.warn('order-service unavailable', { error: error.message });
        res.status(503).set('retry-after', '1').json({
          error: 'unavailable',
          message: 'order service unavailable, retry with the same Idempotency-Key',
        });
        return;
      }
      deps.log.error('request failed', { error: error.message });
      res.status(500).json({ error: 'internal' });
    },
  );
  return app;
}
