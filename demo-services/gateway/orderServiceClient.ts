/**
 * The gateway's client of the order service. Answers are passed through as they are; a
 * connection failure or timeout becomes an `OrderServiceUnavailableError`.
 */

/** The order service could not be reached or did not answer in time. */
export class OrderServiceUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`order-service unavailable during ${operation}: ${(cause as Error).message}`, { cause });
    this.name = 'OrderServiceUnavailableError';
  }
}

/** An upstream answer: its status and JSON body. */
export interface UpstreamAnswer {
  status: number;
  body: unknown;
  /** Where the order service read the order from (`x-cache`: hit, miss or degraded), if it said. */
  cache?: string;
}

/** Calls the order service at `baseUrl`. */
export class OrderServiceClient {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, timeoutMs: number) {
    this.#baseUrl = baseUrl.replace(/\/$/, '');
    this.#timeoutMs = timeoutMs;
  }

  /** Forwards an order creation with its idempotency key. */
  createOrder(idempotencyKey: string, body: unknown): Promise<UpstreamAnswer> {
    return this.#call('create order', '/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });
  }

  /** Reads one order. */
  getOrder(orderId: string): Promise<UpstreamAnswer> {
    return this.#call('get order', `/orders/${encodeURIComponent(orderId)}`, { method: 'GET' });
  }

  /** Whether the order service is ready. */
  async ready(): Promise<boolean> {
    try {
      const answer = await this.#call('readiness', '/readyz', { method: 'GET' });
      return answer.status === 200;
    } catch {
      return false;
    }
  }

  async #call(operation: string, path: string, init: RequestInit): Promise<UpstreamAnswer> {
    let response: Response;
    try {
      response = await fetch(`${this.#baseUrl}${path}`, {
        ...init,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new OrderServiceUnavailableError(operation, error);
    }
    const text = await response.text();
    const cache = response.headers.get('x-cache') ?? undefined;
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as unknown) : {},
      ...(cache ? { cache } : {}),
    };
  }
}
