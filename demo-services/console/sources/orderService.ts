/**
 * Every order of the system, read from the order service's read API (`GET /orders`,
 * `GET /orders/:id/history`): the load generator's, other clients' and the console's own, with
 * their status history and the trace each was created in.
 */
import type { ListedOrder } from '../../order-service/orderListing.ts';

export type { ListedOrder, StatusChange } from '../../order-service/orderListing.ts';

/** The statuses the list can be filtered by. */
export const ORDER_STATUSES = ['pending', 'paid', 'failed'] as const;

/** One of {@link ORDER_STATUSES}. */
export type OrderStatusFilter = (typeof ORDER_STATUSES)[number];

/** How many orders the console lists at once. */
export const LISTED_ORDERS = 25;

/** The order service did not answer, or answered an error. */
export class OrderServiceQueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrderServiceQueryError';
  }
}

/** `value` when it names a status the list can be filtered by. Pure. */
export function orderStatusFilter(value: unknown): OrderStatusFilter | undefined {
  return ORDER_STATUSES.find((s) => s === value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads orders from one order service. */
export class OrderServiceSource {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, timeoutMs = 2000) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = timeoutMs;
  }

  async #get(route: string): Promise<Response> {
    try {
      return await fetch(`${this.#baseUrl}${route}`, { signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      throw new OrderServiceQueryError(`the order service at ${this.#baseUrl} did not answer`, {
        cause: error,
      });
    }
  }

  /** The latest orders, newest first, only those in `status` when given. Rejects with OrderServiceQueryError. */
  async list(status?: OrderStatusFilter): Promise<ListedOrder[]> {
    const query = new URLSearchParams({ limit: String(LISTED_ORDERS), ...(status ? { status } : {}) });
    const response = await this.#get(`/orders?${query.toString()}`);
    if (!response.ok)
      throw new OrderServiceQueryError(
        `the order service answered ${response.status} to its order list: ${await response.text()}`,
      );
    return ((await response.json()) as { orders: ListedOrder[] }).orders;
  }

  /**
   * One order with its history; undefined when the order service knows no such order (an id that
   * is not a UUID never is one). Rejects with OrderServiceQueryError when it does not answer.
   */
  async get(orderId: string): Promise<ListedOrder | undefined> {
    if (!UUID.test(orderId)) return undefined;
    const response = await this.#get(`/orders/${encodeURIComponent(orderId)}/history`);
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok)
      throw new OrderServiceQueryError(`the order service answered ${response.status} for order ${orderId}`);
    return (await response.json()) as ListedOrder;
  }
}
