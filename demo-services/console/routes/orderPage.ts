/**
 * `GET /orders/:orderId`: one order of the system with its status history, and the waterfall and
 * log lines of the trace it was created in. An unknown id is a 404 page saying so; the order
 * service down, a 502 page saying so; without an order service, a 404 page saying the console
 * does not read one.
 */
import { Router } from 'express';
import { describeError } from '../errors.ts';
import type { LinkBases } from '../links.ts';
import { listedRow } from '../orderView.ts';
import type { OrderServiceSource } from '../sources/orderService.ts';
import { readTracePanels, type TraceSources } from '../tracePanels.ts';
import { time } from '../format.ts';
import type { Views } from '../views.ts';

/** The order page route. */
export function orderPageRoutes(
  orderService: OrderServiceSource | undefined,
  sources: TraceSources & LinkBases,
  views: Views,
): Router {
  const router = Router();
  router.get('/orders/:orderId', async (req, res) => {
    const { orderId } = req.params;
    if (!orderService) {
      res
        .status(404)
        .type('html')
        .send(
          views.message(
            'No order service',
            'This console reads no order service (ORDER_SERVICE_URL), so it has no order pages.',
          ),
        );
      return;
    }
    let order;
    try {
      order = await orderService.get(orderId);
    } catch (error) {
      res
        .status(502)
        .type('html')
        .send(views.message('Order service unavailable', describeError(error)));
      return;
    }
    if (!order) {
      res
        .status(404)
        .type('html')
        .send(views.message('Unknown order', `The order service knows no order with the id "${orderId}".`));
      return;
    }
    const row = listedRow(order, sources);
    const history = order.history.map((h) => ({
      status: h.status,
      at: time(h.at),
      reason: h.failureReason ?? '',
    }));
    const trace = order.traceId ? await readTracePanels(sources, order.traceId) : undefined;
    res.type('html').send(views.orderPage({ order: row, history, customerId: order.customerId }, trace));
  });
  return router;
}
