/** `POST /orders`: places one order or a burst (fields `count`, `declined`), then back to the page. */
import { Router } from 'express';
import { describeError } from '../errors.ts';
import { MAX_BURST, type ConsoleOrders } from '../orders.ts';
import { requireSameOrigin } from '../sameOrigin.ts';
import type { RedirectWith } from './redirect.ts';

/**
 * The `count` field: absent means 1; otherwise 1 to {@link MAX_BURST} in plain digits (what the
 * page's number input sends), so `0x10`, `1e1` or ` 3` are refused, not read as numbers. Pure.
 */
export function parseCount(value: unknown): number | undefined {
  if (value === undefined) return 1;
  if (typeof value !== 'string' || !/^[0-9]{1,3}$/.test(value)) return undefined;
  const count = Number(value);
  return count >= 1 && count <= MAX_BURST ? count : undefined;
}

/** The order routes. */
export function orderRoutes(orders: ConsoleOrders, redirect: RedirectWith): Router {
  const router = Router();
  router.post('/orders', requireSameOrigin, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const count = parseCount(body.count);
    if (count === undefined) {
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
