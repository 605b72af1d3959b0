/**
 * The payment-service's small HTTP surface: liveness, readiness (attached to the queue) and
 * its state (breaker) for the demo and the tests, and on Kafka the `consumer-stall` switch the
 * demo's chaos uses (`PUT /admin/stall {"stalled": true|false}`; 404 on RabbitMQ).
 */
import express, { type Express } from 'express';

/** What the health app reports on. */
export interface PaymentHealthDeps {
  consumerConnected: () => boolean;
  breakerState: () => string;
  /** Pauses or resumes consuming while staying in the group (Kafka only). */
  setStalled?: (stalled: boolean) => void;
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
  const { setStalled } = deps;
  if (setStalled) {
    app.put('/admin/stall', express.json(), (req, res) => {
      const stalled = (req.body as { stalled?: unknown } | undefined)?.stalled;
      if (typeof stalled !== 'boolean') {
        res.status(400).json({ error: 'invalid_body', field: 'stalled', message: 'true or false' });
        return;
      }
      try {
        setStalled(stalled);
        res.json({ stalled });
      } catch (error) {
        // kafkajs refuses to pause a consumer that has not started running yet.
        res.status(409).json({ error: 'not_consuming', message: (error as Error).message });
      }
    });
  }
  return app;
}
