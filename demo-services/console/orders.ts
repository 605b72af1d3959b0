/**
 * Orders placed through the console: placed on the public order API like any client would,
 * each in a trace the console starts (so its Jaeger link is known), and followed until they
 * are paid or failed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DECLINED_TOKEN_PREFIX } from '../payment-provider/app.ts';

/** Where an order is. `unknown` until the API has answered about it once. */
export type OrderStatus = 'pending' | 'paid' | 'failed' | 'unknown';

/** An order the console placed. */
export interface PlacedOrder {
  readonly orderId: string;
  readonly traceId: string;
  readonly placedAt: string;
  readonly amountCents: number;
  readonly declined: boolean;
  status: OrderStatus;
  failureReason?: string;
}

/** The order API refused or did not answer; the message says what it answered. */
export class OrderPlacementError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrderPlacementError';
  }
}

/** Largest burst the page may ask for. */
export const MAX_BURST = 50;

/** Orders the list keeps; older ones are forgotten. */
const KEEP = 25;

const ITEM = { sku: 'sku-console-mug', quantity: 1, unitPriceCents: 1250 };

/** A W3C traceparent for a new sampled trace, and its trace id. */
export function newTraceparent(): { traceId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

function isStatus(value: unknown): value is Exclude<OrderStatus, 'unknown'> {
  return value === 'pending' || value === 'paid' || value === 'failed';
}

/** Places orders on the gateway and keeps the latest ones with their status. */
export class ConsoleOrders {
  readonly #gatewayUrl: string;
  readonly #timeoutMs: number;
  #orders: PlacedOrder[] = [];
  #refreshing: Promise<void> | undefined;

  constructor(gatewayUrl: string, timeoutMs = 5000) {
    this.#gatewayUrl = gatewayUrl;
    this.#timeoutMs = timeoutMs;
  }

  /** The latest orders, newest first. */
  list(): readonly PlacedOrder[] {
    return this.#orders;
  }

  /**
   * Places `count` orders at once (1..MAX_BURST); `declined` uses a card the provider
   * declines. Resolves with the orders accepted; rejects with OrderPlacementError when none was.
   */
  async place(count: number, declined = false): Promise<PlacedOrder[]> {
    const n = Math.min(Math.max(1, Math.trunc(count)), MAX_BURST);
    const results = await Promise.allSettled(Array.from({ length: n }, () => this.#placeOne(declined)));
    const placed = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    this.#orders = [...placed, ...this.#orders].slice(0, KEEP);
    const failure = results.find((r) => r.status === 'rejected');
    if (placed.length === 0 && failure) throw failure.reason;
    return placed;
  }

  async #placeOne(declined: boolean): Promise<PlacedOrder> {
    const { traceId, traceparent } = newTraceparent();
    const paymentToken = declined ? `${DECLINED_TOKEN_PREFIX}_console` : 'tok_console';
    let response: Response;
    try {
      response = await fetch(`${this.#gatewayUrl}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), traceparent },
        body: JSON.stringify({ customerId: 'console', items: [ITEM], paymentToken }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new OrderPlacementError(`The order API at ${this.#gatewayUrl} did not answer`, { cause: error });
    }
    const body = (await response.json().catch(() => ({}))) as { orderId?: unknown; status?: unknown };
    if (response.status !== 202 || typeof body.orderId !== 'string') {
      throw new OrderPlacementError(`The order API answered ${response.status}: ${JSON.stringify(body)}`);
    }
    return {
      orderId: body.orderId,
      traceId,
      placedAt: new Date().toISOString(),
      amountCents: ITEM.quantity * ITEM.unitPriceCents,
      declined,
      status: isStatus(body.status) ? body.status : 'unknown',
    };
  }

  /** Asks the API about every order not yet paid or failed; concurrent calls share one pass. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refreshOpen().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refreshOpen(): Promise<void> {
    const open = this.#orders.filter((o) => o.status === 'pending' || o.status === 'unknown');
    await Promise.all(open.map((order) => this.#refreshOne(order)));
  }

  async #refreshOne(order: PlacedOrder): Promise<void> {
    try {
      const response = await fetch(`${this.#gatewayUrl}/api/orders/${encodeURIComponent(order.orderId)}`, {
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      if (!response.ok) return;
      const body = (await response.json()) as { status?: unknown; failureReason?: unknown };
      if (isStatus(body.status)) order.status = body.status;
      if (typeof body.failureReason === 'string') order.failureReason = body.failureReason;
    } catch {
      // The gateway is down or slow: the order keeps its last known status until it answers.
    }
  }
}
