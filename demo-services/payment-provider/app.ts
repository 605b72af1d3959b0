/**
 * The payment-provider simulator: an external payment API (`POST /v1/charges`, idempotent on
 * the `Idempotency-Key` header) with an admin API to inject faults and read the ledger.
 */
import express, { type Express, type Request, type Response } from 'express';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { ChargeStore } from './chargeStore.ts';
import { HEALTHY, decide, faultsUpdateSchema, type Faults } from './faults.ts';

/** Tokens starting with this are declined (402), so the demo shows failed orders with a reason. */
export const DECLINED_TOKEN_PREFIX = 'tok_decline';

const chargeBodySchema = z.object({ amountCents: z.number().int().nonnegative(), token: z.string().min(1) });

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
): Express {
  const app = express();
  app.use(express.json());

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
    const key = req.get('idempotency-key');
    const body = chargeBodySchema.safeParse(req.body);
    if (!key || !body.success) {
      res.status(400).json({ error: 'invalid_request', field: key ? 'body' : 'Idempotency-Key' });
      return;
    }
    if (body.data.token.startsWith(DECLINED_TOKEN_PREFIX)) {
      res.status(402).json({ error: 'card_declined' });
      return;
    }
    const { created, charge } = state.store.charge(key, body.data.amountCents);
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
  return app;
}
