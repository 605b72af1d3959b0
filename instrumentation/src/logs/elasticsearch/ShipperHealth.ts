/**
 * Whether Elasticsearch is taking the log shipper's batches, as a state machine that writes one
 * Faultline log line per change of state, never one per batch: a backend that is down for an
 * hour produces one warning when it goes and one line when it comes back. Refused records are
 * reported once per Elasticsearch error type. These lines go through the SelfLogger, which may
 * feed them back into the shipper; that is safe because they are bounded by state changes.
 */
import { logFields } from '../../catalogue/index.ts';
import type { SelfLogger } from '../SelfLogger.ts';
import type { RejectedItem } from './bulkItems.ts';
import type { RequestFailure } from './requestFailure.ts';

/** `event.action` values of the shipper's own log lines. */
export const shipperActions = {
  unavailable: 'log_shipping.unavailable',
  refusing: 'log_shipping.refusing',
  recovered: 'log_shipping.recovered',
  rejected: 'log_shipping.record_rejected',
} as const;

/** Where the backend stands, as seen from the last requests. */
export type Health =
  | { readonly state: 'available' }
  /** Retryable failures beyond the retry budget: records are kept and retried until it returns. */
  | { readonly state: 'unavailable'; readonly since: number; readonly failure: string }
  /** Non-retryable answers beyond the retry budget: the batches concerned were dropped. */
  | { readonly state: 'refusing'; readonly since: number; readonly failure: string };

const MAX_REPORTED_REJECTION_TYPES = 32;

/** Tracks {@link Health} and logs its changes. */
export class ShipperHealth {
  readonly #log: SelfLogger;
  readonly #target: string;
  readonly #maxRetries: number;
  readonly #reportedRejections = new Set<string>();
  #health: Health = { state: 'available' };
  #consecutiveFailures = 0;

  /** `target` names the destination in log lines (URL without credentials, and index). */
  constructor(log: SelfLogger, target: string, maxRetries: number) {
    this.#log = log;
    this.#target = target;
    this.#maxRetries = maxRetries;
  }

  /** The current state. */
  get current(): Health {
    return this.#health;
  }

  /** A request was answered with per-item results. */
  requestSucceeded(): void {
    this.#consecutiveFailures = 0;
    if (this.#health.state === 'available') return;
    const downForMs = Date.now() - this.#health.since;
    this.#health = { state: 'available' };
    this.#log.log('info', `Elasticsearch log shipping to ${this.#target} recovered after ${downForMs} ms`, {
      [logFields.eventAction]: shipperActions.recovered,
    });
  }

  /** A request failed with a retryable failure; `buffered` records are waiting. */
  requestFailed(failure: RequestFailure, buffered: number): void {
    this.#consecutiveFailures += 1;
    if (this.#consecutiveFailures <= this.#maxRetries || this.#health.state === 'unavailable') return;
    this.#health = { state: 'unavailable', since: Date.now(), failure: failure.description };
    this.#log.log(
      'warn',
      `Elasticsearch log shipping to ${this.#target} is failing; ${buffered} records are kept in the buffer and retried until it recovers (records beyond its capacity are dropped)`,
      { [logFields.eventAction]: shipperActions.unavailable, [logFields.errorMessage]: failure.description },
    );
  }

  /** A batch of `count` records was dropped after a non-retryable failure outlasted the retries. */
  batchDropped(failure: RequestFailure, count: number): void {
    this.#consecutiveFailures = 0;
    if (this.#health.state === 'refusing') return;
    this.#health = { state: 'refusing', since: Date.now(), failure: failure.description };
    this.#log.log(
      'warn',
      `Elasticsearch at ${this.#target} refuses log batches; dropped ${count} records after ${this.#maxRetries} retries`,
      { [logFields.eventAction]: shipperActions.refusing, [logFields.errorMessage]: failure.description },
    );
  }

  /** Elasticsearch refused a record for good; reported once per error type. */
  itemRejected(item: Pick<RejectedItem, 'status' | 'type' | 'reason'>): void {
    if (this.#reportedRejections.has(item.type)) return;
    if (this.#reportedRejections.size >= MAX_REPORTED_REJECTION_TYPES) return;
    this.#reportedRejections.add(item.type);
    this.#log.log(
      'warn',
      `Elasticsearch at ${this.#target} rejected a log record (${item.status} ${item.type}); further rejections of this type are only counted`,
      {
        [logFields.eventAction]: shipperActions.rejected,
        [logFields.errorType]: item.type,
        [logFields.errorMessage]: item.reason,
      },
    );
  }
}
