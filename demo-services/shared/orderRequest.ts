/**
 * The body of `POST /api/orders`: its schema, the 400 answer naming the bad field, and the
 * hash that tells "same key, same body" from "same key, different body".
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Schema of an order request; the gateway and the order service both check it. */
export const orderRequestSchema = z.object({
  customerId: z.string().min(1),
  items: z
    .array(
      z.object({
        sku: z.string().min(1),
        quantity: z.number().int().positive(),
        unitPriceCents: z.number().int().nonnegative(),
      }),
    )
    .min(1),
  paymentToken: z.string().min(1),
});

/** A valid order request. */
export type OrderRequest = z.infer<typeof orderRequestSchema>;

/** The outcome of validating a body: the request, or the field that is wrong and why. */
export type Validation = { ok: true; request: OrderRequest } | { ok: false; field: string; message: string };

/** Validates an untrusted body. */
export function validateOrderRequest(body: unknown): Validation {
  const result = orderRequestSchema.safeParse(body);
  if (result.success) return { ok: true, request: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  return { ok: false, field, message: issue?.message ?? 'invalid body' };
}

/** Header carrying the client's idempotency key. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Longest idempotency key accepted. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** Total of the order in cents. */
export function amountCents(request: OrderRequest): number {
  return request.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
}

/** SHA-256 of the request in a canonical form (the parsed fields, in schema order). */
export function requestHash(request: OrderRequest): string {
  const canonical = {
    customerId: request.customerId,
    items: request.items.map((item) => ({
      sku: item.sku,
      quantity: item.quantity,
      unitPriceCents: item.unitPriceCents,
    })),
    paymentToken: request.paymentToken,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
