/**
 * The request of `POST /api/orders`: the schema of its body and of its `Idempotency-Key`, with
 * an explicit bound on everything (the OpenAPI document is generated from these schemas), the
 * 400 answer naming the bad field, and the hash that tells "same key, same body" from "same
 * key, different body".
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { printableText } from './printableText.ts';

/** Largest request body the API parses, in bytes; a larger one is 413. */
export const MAX_BODY_BYTES = 100 * 1024;

/** Most items in one order. */
export const MAX_ITEMS = 100;

/** Largest quantity of one item. */
export const MAX_QUANTITY = 10_000;

/**
 * Largest unit price, in cents. With {@link MAX_ITEMS} and {@link MAX_QUANTITY} the total stays
 * below 2^53 (exact in JSON and JavaScript) and far inside `orders.amount_cents` (bigint).
 */
export const MAX_UNIT_PRICE_CENTS = 100_000_000;

/** Schema of one order line. */
export const orderItemSchema = z
  .object({
    sku: printableText(1, 64),
    quantity: z.number().int().min(1).max(MAX_QUANTITY),
    unitPriceCents: z.number().int().min(0).max(MAX_UNIT_PRICE_CENTS),
  })
  .strict();

/** Schema of an order request; the gateway and the order service both check it. */
export const orderRequestSchema = z
  .object({
    customerId: printableText(1, 64),
    items: z.array(orderItemSchema).min(1).max(MAX_ITEMS),
    paymentToken: printableText(1, 128),
  })
  .strict();

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

/** Characters of an idempotency key: a UUID, a ULID or any URL-safe token fits. */
export const IDEMPOTENCY_KEY_PATTERN = `^[A-Za-z0-9._:~+/=-]{1,${MAX_IDEMPOTENCY_KEY_LENGTH}}$`;

/** Schema of the `Idempotency-Key` header. */
export const idempotencyKeySchema = z
  .string()
  .min(1, { message: 'required' })
  .max(MAX_IDEMPOTENCY_KEY_LENGTH, { message: `at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` })
  .regex(new RegExp(IDEMPOTENCY_KEY_PATTERN), {
    message: 'only letters, digits and . _ : ~ + / = -',
  });

/** The outcome of checking an idempotency key: the key, or why it is refused. */
export type KeyValidation = { ok: true; key: string } | { ok: false; message: string };

/** Validates an untrusted `Idempotency-Key` header value (undefined when absent). */
export function validateIdempotencyKey(value: string | undefined): KeyValidation {
  const result = idempotencyKeySchema.safeParse(value ?? '');
  if (result.success) return { ok: true, key: result.data };
  return { ok: false, message: result.error.issues[0]?.message ?? 'invalid' };
}

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
