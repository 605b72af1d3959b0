/**
 * What both payment consumers (RabbitMQ's and Kafka's) do alike: read an `orders.created`
 * message, and write a decided action to its order, counted and logged once. What each then
 * does with the message itself (ack, commit, redeliver, dead-letter) is the bus's own.
 */
import type pg from 'pg';
import { z } from 'zod';
import { paymentsCounter } from '../shared/demoMetrics.ts';
import type { Logger } from '../shared/logger.ts';
import type { PaymentAction } from './decision.ts';
import { markFailed, markPaid } from './orderPayments.ts';

const messageSchema = z.object({
  orderId: z.string().uuid(),
  amountCents: z.number().int().nonnegative(),
  paymentToken: z.string().min(1),
});

/** An `orders.created` message as payment-service reads it. */
export type OrderMessage = z.infer<typeof messageSchema>;

/** The message in `content`, or undefined when it is not one (poison). Pure. */
export function parseOrderMessage(content: Buffer | null): OrderMessage | undefined {
  if (content === null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = messageSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** What is left to do with the message once {@link settleOrder} wrote the order. */
export type MessageFate = 'done' | 'dead-letter' | 'redeliver-later';

/**
 * Writes `action` to the pending order `orderId` (paid, or failed with its reason), counting
 * the payment only if this call moved the order; says what the consumer still owes the
 * message. Throws when PostgreSQL does.
 */
export async function settleOrder(
  pool: pg.Pool,
  log: Logger,
  orderId: string,
  action: PaymentAction,
): Promise<MessageFate> {
  switch (action.kind) {
    case 'mark-paid':
      if (await markPaid(pool, orderId, action.chargeId))
        paymentsCounter().inc({ outcome: 'paid', reason: '' });
      log.info('order paid', { orderId, chargeId: action.chargeId });
      return 'done';
    case 'mark-failed':
      if (await markFailed(pool, orderId, action.reason))
        paymentsCounter().inc({ outcome: 'failed', reason: action.reason });
      log.info('order payment failed', { orderId, reason: action.reason });
      return 'done';
    case 'fail-and-dead-letter':
      if (await markFailed(pool, orderId, action.reason))
        paymentsCounter().inc({ outcome: 'failed', reason: action.reason });
      log.warn('payment retries exhausted; dead-lettering', { orderId });
      return 'dead-letter';
    case 'redeliver-later':
      return 'redeliver-later';
  }
}
