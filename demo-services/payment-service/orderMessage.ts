/**
 * What both payment consumers (RabbitMQ's and Kafka's) read alike: an `orders.created` message.
 * The order's saga (saga/orderSaga.ts) then runs the same for both; what each does with the
 * message itself (ack, commit, redeliver, dead-letter) is the bus's own.
 */
import { z } from 'zod';

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
