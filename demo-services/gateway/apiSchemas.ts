/**
 * Schemas of the gateway's answers, for the OpenAPI document (the requests' schemas are in
 * `shared/orderRequest.ts`, which the validators use). Tests check real answers against the
 * document, so these describe what the services actually send.
 */
import { z } from 'zod';
import { MAX_ITEMS, orderItemSchema } from '../shared/orderRequest.ts';

/** Status of an order. */
export const orderStatusSchema = z.enum(['pending', 'paid', 'failed']);

/** `202` of `POST /api/orders`: the order accepted (or the one already made for the key). */
export const orderAcceptedSchema = z.object({ orderId: z.uuid(), status: orderStatusSchema }).strict();

/** `200` of `GET /api/orders/{id}`. */
export const orderViewSchema = z
  .object({
    orderId: z.uuid(),
    status: orderStatusSchema,
    customerId: z.string(),
    items: z.array(orderItemSchema).min(1).max(MAX_ITEMS),
    amountCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    failureReason: z.string().optional().meta({ description: 'present when status is failed' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .strict();

/** The body of every error answer (see `shared/httpErrors.ts`). */
export const errorSchema = z
  .object({
    error: z
      .string()
      .meta({ description: 'kind: invalid_body, invalid_header, payload_too_large, internal...' }),
    field: z
      .string()
      .optional()
      .meta({ description: 'the field, header or part of the request at fault (4xx)' }),
    message: z.string().optional().meta({ description: 'what is wrong and what is accepted' }),
    limitBytes: z.number().int().optional().meta({ description: 'the body limit exceeded (413)' }),
    traceId: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional()
      .meta({ description: 'correlation id of a 5xx: the trace id the error is logged under' }),
  })
  .strict();

/** `/healthz`. */
export const healthSchema = z.object({ status: z.literal('ok') }).strict();

/** `/readyz`: ready (200) or not (503, draining or the order service down). */
export const readinessSchema = z
  .object({
    status: z.enum(['ok', 'unavailable', 'draining']),
    orderService: z.enum(['up', 'down']).optional(),
  })
  .strict();
