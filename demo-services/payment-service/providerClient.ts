/**
 * The payment-service's client of the payment provider. The order id is the provider's
 * idempotency key, so asking again for the same order never charges twice.
 */

/** The provider refused the payment for a business reason: retrying will not help. */
export class PaymentDeclinedError extends Error {
  readonly reason: string;
  constructor(orderId: string, reason: string) {
    super(`payment of order ${orderId} declined: ${reason}`);
    this.name = 'PaymentDeclinedError';
    this.reason = reason;
  }
}

/** The provider failed, timed out or could not be reached: retrying may help. */
export class ProviderUnavailableError extends Error {
  constructor(orderId: string, detail: string, cause?: unknown) {
    super(`payment provider unavailable for order ${orderId}: ${detail}`, { cause });
    this.name = 'ProviderUnavailableError';
  }
}

/** What the provider needs to charge an order. */
export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  paymentToken: string;
}

/** Charges through the provider's HTTP API. */
export class ProviderClient {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, timeoutMs: number) {
    this.#baseUrl = baseUrl.replace(/\/$/, '');
    this.#timeoutMs = timeoutMs;
  }

  /** Charges the order; resolves with the charge id. Throws the two errors above. */
  async charge(request: ChargeRequest, signal?: AbortSignal): Promise<string> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${this.#baseUrl}/v1/charges`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': request.orderId },
        body: JSON.stringify({ amountCents: request.amountCents, token: request.paymentToken }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new ProviderUnavailableError(request.orderId, (error as Error).message, error);
    }
    const body = (await response.json().catch(() => ({}))) as { chargeId?: string; error?: string };
    if (response.ok && body.chargeId) return body.chargeId;
    if (response.status >= 400 && response.status < 500)
      throw new PaymentDeclinedError(request.orderId, body.error ?? `http_${response.status}`);
    throw new ProviderUnavailableError(request.orderId, `HTTP ${response.status}`);
  }
}
