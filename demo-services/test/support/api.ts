/** Small clients of the public API and the provider's admin API for the tests. */
import type { OrderRequest } from '../../shared/orderRequest.ts';

/** An answer: status, headers and JSON body. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A valid order body; `overrides` replaces fields. */
export function orderBody(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    customerId: 'cust-1',
    items: [{ sku: 'sku-mug', quantity: 2, unitPriceCents: 1250 }],
    paymentToken: 'tok_visa',
    ...overrides,
  };
}

/** `POST /api/orders`. */
export async function postOrder(baseUrl: string, key: string | undefined, body: unknown): Promise<Answer> {
  const response = await fetch(`${baseUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** `GET /api/orders/:id`. */
export async function getOrder(baseUrl: string, orderId: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}/api/orders/${orderId}`);
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}
