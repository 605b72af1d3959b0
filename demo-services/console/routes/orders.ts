/** `POST /orders`: places one order or a burst (fields `count`, `declined`), then back to the page. */
import { Router } from 'express';
import { describeError } from '../errors.ts';
import { MAX_BURST, type ConsoleOrders } from '../orders.ts';
import { requireSameOrigin } from '../sameOrigin.ts';
import type { RedirectWith } from './redirect.ts';

/** The order routes. */
export function orderRoutes(orders: ConsoleOrders, redirect: RedirectWith): Router {
  const router = Router();
  router.post('/orders', requireSameOrigin, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const count = Number(body.count ?? 1);
    if (!Number.isInteger(count) || count < 1 || count > MAX_BURST) {
      redirect(res, { kind: 'error', text: `count: a whole number from 1 to ${MAX_BURST}` });
      return;
    }
    try {
      const placed = await orders.place(count, body.declined === 'yes');
      const all = placed.length === count;
      const text = all ? `Placed ${count} order(s).` : `Placed ${placed.length} of ${count} orders.`;
      redirect(res, { kind: all ? 'ok' : 'error', text });
    } catch (error) {
      redirect(res, { kind: 'error', text: `No order placed: ${describeError(error)}` });
    }
  });
  return router;
}
