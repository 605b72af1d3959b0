/**
 * The public HTTP API. It checks requests against the published contract (so a bad one never
 * reaches the order service) and forwards them over HTTP, so one order is one trace from the
 * gateway to the payment. Reads go to the order service too: it owns the cache and the
 * database. Every error is JSON: a 4xx names the field or the limit, a 5xx only a trace id.
 */
import express, { type Express, type Response } from 'express';
import { answerInternal, answerUnavailable, jsonErrors, unknownRoute } from '../shared/httpErrors.ts';
import type { Logger } from '../shared/logger.ts';
import {
  IDEMPOTENCY_HEADER,
  MAX_BODY_BYTES,
  validateIdempotencyKey,
  validateOrderRequest,
} from '../shared/orderRequest.ts';
import { openApiDocument } from './openApi.ts';
import {
  OrderServiceUnavailableError,
  type OrderServiceClient,
  type UpstreamAnswer,
} from './orderServiceClient.ts';

/** What the gateway app needs. */
export interface GatewayDeps {
  orders: OrderServiceClient;
  log: Logger;
  /** True once shutdown began: readiness fails so the load balancer drains this instance. */
  draining: () => boolean;
}

const RETRY_MESSAGE = 'order service unavailable, retry with the same Idempotency-Key';

/**
 * Relays an upstream answer. A 4xx is the order service's own contract answer and passes
 * through; a 5xx body is never passed on (it is logged, and the client gets a trace id).
 */
function relay(res: Response, log: Logger, answer: UpstreamAnswer): void {
  if (answer.cache) res.set('x-cache', answer.cache);
  if (answer.status === 503) {
    answerUnavailable(
      res,
      log,
      RETRY_MESSAGE,
      new Error(`order-service 503: ${JSON.stringify(answer.body)}`),
    );
    return;
  }
  if (answer.status >= 500) {
    answerInternal(
      res,
      log,
      'order-service failed',
      new Error(`order-service ${answer.status}: ${JSON.stringify(answer.body)}`),
    );
    return;
  }
  res.status(answer.status).json(answer.body);
}

/** Builds the express app. */
export function createGatewayApp(deps: GatewayDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const json = express.json({ limit: MAX_BODY_BYTES });
  const document = JSON.stringify(openApiDocument());

  app.get('/openapi.json', (_req, res) => {
    res.type('json').send(document);
  });

  app.post('/api/orders', json, async (req, res) => {
    const key = validateIdempotencyKey(req.get(IDEMPOTENCY_HEADER));
    if (!key.ok) {
      res.status(400).json({ error: 'invalid_header', field: 'Idempotency-Key', message: key.message });
      return;
    }
    if (!req.is('application/json')) {
      res
        .status(415)
        .json({ error: 'unsupported_media_type', field: 'content-type', message: 'send application/json' });
      return;
    }
    const validation = validateOrderRequest(req.body);
    if (!validation.ok) {
      res.status(400).json({ error: 'invalid_body', field: validation.field, message: validation.message });
      return;
    }
    relay(res, deps.log, await deps.orders.createOrder(key.key, validation.request));
  });

  app.get('/api/orders/:id', async (req, res) => {
    relay(res, deps.log, await deps.orders.getOrder(req.params.id));
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

  app.use(unknownRoute);
  app.use(
    jsonErrors({
      log: deps.log,
      limitBytes: MAX_BODY_BYTES,
      known: (error, res) => {
        if (!(error instanceof OrderServiceUnavailableError)) return false;
        answerUnavailable(res, deps.log, RETRY_MESSAGE, error);
        return true;
      },
    }),
  );
  return app;
}
