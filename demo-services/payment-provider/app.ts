/**
 * The payment-provider simulator: an external payment API (`POST /v1/charges`, idempotent on
 * the `Idempotency-Key` header) with an admin API to inject faults and read the ledger.
 */
import express, { type Express, type Request, type Response } from 'express';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { jsonErrors, unknownRoute } from '../shared/httpErrors.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { validateIdempotencyKey } from '../shared/orderRequest.ts';
import { printableText } from '../shared/printableText.ts';
import { ChargeStore } from './chargeStore.ts';
import { HEALTHY, decide, faultsUpdateSchema, type Faults } from './faults.ts';

/** Tokens starting with this are declined (402), so the demo shows failed orders with a reason. */
export const DECLINED_TOKEN_PREFIX = 'tok_decline';

/** Largest body the simulator parses, in bytes; a larger one is 413. */
export const PROVIDER_MAX_BODY_BYTES = 16 * 1024;

/** Schema of a charge request (`POST /v1/charges`), bounded like the order API's fields. */
export const chargeBodySchema = z
  .object({
    amountCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    token: printableText(1, 128),
  })
  .strict();

function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  return {
    field: issue && issue.path.length > 0 ? issue.path.join('.') : 'body',
    message: issue?.message ?? 'invalid body',
  };
}

/** The simulator's state, exposed for in-process tests. */
export interface ProviderState {
  faults: Faults;
  readonly store: ChargeStore;
  /** Charge requests received, including failed and repeated ones. */
  requests: number;
}

/** Builds the simulator app around `state` (a fresh healthy one by default). */
export function createProviderApp(
  state: ProviderState = { faults: { ...HEALTHY }, store: new ChargeStore(), requests: 0 },
  random: () => number = Math.random,
  log: Logger = createLogger('payment-provider', 'error'),
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: PROVIDER_MAX_BODY_BYTES }));

  app.post('/v1/charges', async (req: Request, res: Response) => {
    state.requests += 1;
    const decision = decide(state.faults, random());
    if (decision.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (decision.kind === 'hang') {
      // Never answered; released when the client gives up.
      await new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
      return;
    }
    await delay(decision.delayMs);
    if (decision.kind === 'error') {
      res.status(500).json({ error: 'provider_error' });
      return;
    }
    const key = validateIdempotencyKey(req.get('idempotency-key'));
    if (!key.ok) {
      res.status(400).json({ error: 'invalid_request', field: 'Idempotency-Key', message: key.message });
      return;
    }
    const body = chargeBodySchema.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: 'invalid_request', ...firstIssue(body.error) });
      return;
    }
    if (body.data.token.startsWith(DECLINED_TOKEN_PREFIX)) {
      res.status(402).json({ error: 'card_declined' });
      return;
    }
    const { created, charge } = state.store.charge(key.key, body.data.amountCents);
    res
      .status(created ? 201 : 200)
      .json({ chargeId: charge.id, amountCents: charge.amountCents, status: 'succeeded' });
  });

  app.get('/admin/faults', (_req, res) => {
    res.json(state.faults);
  });
  app.put('/admin/faults', (req, res) => {
    const update = faultsUpdateSchema.safeParse(req.body ?? {});
    if (!update.success) {
      res.status(400).json({
        error: 'invalid_faults',
        ...firstIssue(update.error),
        issues: update.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      });
      return;
    }
    state.faults = { ...state.faults, ...update.data };
    res.json(state.faults);
  });
  app.post('/admin/faults/reset', (_req, res) => {
    state.faults = { ...HEALTHY };
    res.json(state.faults);
  });
  app.get('/admin/charges', (_req, res) => {
    const charges = state.store.list();
    res.json({ count: charges.length, requests: state.requests, charges });
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(unknownRoute);
  app.use(jsonErrors({ log, limitBytes: PROVIDER_MAX_BODY_BYTES }));
  return app;
}
