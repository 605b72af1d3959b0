/**
 * The payment-service's small HTTP surface: liveness, readiness (attached to the queue) and
 * its state (breaker) for the demo and the tests.
 */
import express, { type Express } from 'express';

/** What the health app reports on. */
export interface PaymentHealthDeps {
  consumerConnected: () => boolean;
  breakerState: () => string;
}

/** Builds the express app. */
export function createPaymentHealthApp(deps: PaymentHealthDeps): Express {
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = deps.consumerConnected();
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ok' : 'unavailable', breaker: deps.breakerState() });
  });
  app.get('/state', (_req, res) => {
    res.json({
      consumer: deps.consumerConnected() ? 'connected' : 'disconnected',
      breaker: deps.breakerState(),
    });
  });
  return app;
}
