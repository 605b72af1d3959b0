/** Random but valid orders for the load generator; a share carries a token the provider declines. */
import { randomInt, randomUUID } from 'node:crypto';
import type { OrderRequest } from '../shared/orderRequest.ts';

const SKUS = ['sku-espresso', 'sku-grinder', 'sku-filter', 'sku-mug', 'sku-beans-1kg'];

/** Builds one order; `declined` makes the provider refuse its payment. */
export function randomOrder(declined: boolean): OrderRequest {
  const items = Array.from({ length: randomInt(1, 4) }, () => ({
    sku: SKUS[randomInt(SKUS.length)] as string,
    quantity: randomInt(1, 5),
    unitPriceCents: randomInt(100, 10_000),
  }));
  return {
    customerId: `cust-${randomInt(1, 500)}`,
    items,
    paymentToken: declined ? `tok_decline_${randomUUID()}` : `tok_${randomUUID()}`,
  };
}
