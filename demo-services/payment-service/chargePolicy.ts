/**
 * How a charge reaches the provider: cockatiel retries with exponential backoff around an
 * opossum circuit breaker around the HTTP call. Declines are neither retried nor counted as
 * breaker failures; an open breaker is not retried (the message is redelivered later instead).
 * Both are instrumented, so their state and attempts are metrics, logs and span events.
 */
import CircuitBreaker from 'opossum';
import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { instrumentBreaker, instrumentRetry } from '@faultline/instrumentation';
import {
  PaymentDeclinedError,
  ProviderUnavailableError,
  type ChargeRequest,
  type ProviderClient,
} from './providerClient.ts';

/** Breaker name in metrics, logs and alerts. */
export const BREAKER_NAME = 'payment-provider';
/** Retry operation name in metrics. */
export const RETRY_OPERATION = 'charge';

/** The result of one charge attempt sequence. */
export type ChargeResult =
  | { kind: 'charged'; chargeId: string }
  | { kind: 'declined'; reason: string }
  | { kind: 'breaker-open' }
  | { kind: 'unavailable'; error: Error };

/** Tuning of the policy. */
export interface ChargePolicyOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** Breaker time in the open state before a trial call. */
  resetTimeoutMs: number;
  /** Breaker timeout of one call (above the client's own timeout). */
  callTimeoutMs: number;
}

function isBreakerOpen(error: unknown): boolean {
  return (error as { code?: string }).code === 'EOPENBREAKER';
}

/** See the module comment. */
export class ChargePolicy {
  readonly breaker: CircuitBreaker<[ChargeRequest, AbortSignal | undefined], string>;
  readonly #retry: RetryPolicy;

  constructor(client: ProviderClient, options: ChargePolicyOptions) {
    this.breaker = new CircuitBreaker(
      (request: ChargeRequest, signal: AbortSignal | undefined) => client.charge(request, signal),
      {
        name: BREAKER_NAME,
        timeout: options.callTimeoutMs,
        resetTimeout: options.resetTimeoutMs,
        errorThresholdPercentage: 50,
        volumeThreshold: 5,
        rollingCountTimeout: 10_000,
        errorFilter: (error: unknown) => error instanceof PaymentDeclinedError,
      },
    );
    instrumentBreaker(this.breaker, { name: BREAKER_NAME });
    this.#retry = retry(
      handleWhen((error) => !(error instanceof PaymentDeclinedError) && !isBreakerOpen(error)),
      {
        maxAttempts: options.retries,
        backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1000 }),
      },
    );
    instrumentRetry(this.#retry, { operation: RETRY_OPERATION });
  }

  /** The breaker's state for health pages. */
  get state(): 'closed' | 'open' | 'half_open' {
    if (this.breaker.opened) return 'open';
    if (this.breaker.halfOpen) return 'half_open';
    return 'closed';
  }

  /** Charges `request`; never throws, the result says what happened. */
  async charge(request: ChargeRequest): Promise<ChargeResult> {
    try {
      const chargeId = await this.#retry.execute(({ signal }) => this.breaker.fire(request, signal));
      return { kind: 'charged', chargeId };
    } catch (error) {
      if (error instanceof PaymentDeclinedError) return { kind: 'declined', reason: error.reason };
      if (isBreakerOpen(error)) return { kind: 'breaker-open' };
      if (error instanceof ProviderUnavailableError) return { kind: 'unavailable', error };
      return { kind: 'unavailable', error: error as Error };
    }
  }

  /** Stops the breaker's timers. */
  shutdown(): void {
    this.breaker.shutdown();
  }
}
