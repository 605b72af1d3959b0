/**
 * Ships finished ECS log records to Elasticsearch in bulk `create` requests, from a bounded
 * buffer, without ever making the application wait or fail.
 *
 * Guarantees: `enqueue` is O(1), never throws and never blocks. A record accepted into the
 * buffer stays there until Elasticsearch accepts it, refuses it for good, or the shipper shuts
 * down: while the backend is unreachable, throttling or failing with 5xx, records wait and go
 * out when it recovers; only when the buffer is full are new records dropped (and counted).
 * Each record gets a client-side `_id` on its first send, so a retry after a lost answer is
 * answered 409 for what was already stored instead of storing it twice.
 *
 * It uses `client.bulk` rather than `client.helpers.bulk`: on a failed request the helper aborts
 * and rejects without telling which documents were in it (so they could not be kept), retries
 * item-level 429s after a fixed `wait` rather than backing off, and keeps a timer that is not
 * unref'd. One request is in flight at a time; the client's own retries are off (retrying is
 * decided here, per record).
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ElasticsearchEnabled } from '../config/types.ts';
import type { MetricsRegistry } from '../metrics/MetricsRegistry.ts';
import type { LogRecordSink, SelfLogger } from './SelfLogger.ts';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './elasticsearch/backoff.ts';
import { judgeBulkItems, type ItemVerdicts } from './elasticsearch/bulkItems.ts';
import { RingBuffer } from './elasticsearch/RingBuffer.ts';
import { classifyRequestFailure, type RequestFailure } from './elasticsearch/requestFailure.ts';
import { ShipperHealth, type Health } from './elasticsearch/ShipperHealth.ts';
import { ShipperMetrics } from './elasticsearch/ShipperMetrics.ts';

/** Collaborators and tuning of an {@link ElasticsearchShipper}. */
export interface ElasticsearchShipperDeps {
  readonly metrics: MetricsRegistry;
  readonly log: SelfLogger;
  /** Timeout of one bulk request, in milliseconds (default 10 000). */
  readonly requestTimeoutMs?: number;
  /** Delays between attempts (default 100 ms doubling up to 30 s). */
  readonly backoff?: BackoffOptions;
}

interface Pending {
  /** Arrival order, for flush(). */
  readonly seq: number;
  readonly record: Record<string, unknown>;
  /** Assigned on first send and kept across retries. */
  id?: string;
  /** Serialised source, kept across retries. */
  line?: string;
}

type Lifecycle = 'running' | 'closing' | 'closed';

interface FlushWaiter {
  readonly upTo: number;
  readonly resolve: (drained: boolean) => void;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Strips credentials from a URL for log lines. */
function describeTarget(url: string, index: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return `${parsed.origin}${parsed.pathname.replace(/\/$/, '')}/${index}`;
  } catch {
    return index;
  }
}

/** Bounded, non-blocking log shipping to Elasticsearch (see the module comment). */
export class ElasticsearchShipper implements LogRecordSink {
  readonly #config: ElasticsearchEnabled;
  readonly #client: Client;
  readonly #queue: RingBuffer<Pending>;
  readonly #metrics: ShipperMetrics;
  readonly #health: ShipperHealth;
  readonly #backoff: BackoffOptions;
  readonly #ticker: NodeJS.Timeout;
  readonly #idPrefix = randomBytes(9).toString('base64url');
  #inFlight: Pending[] = [];
  #seq = 0;
  #lifecycle: Lifecycle = 'running';
  #looping = false;
  #scheduled = false;
  #drainAll = false;
  #retryStreak = 0;
  #batchAttempts = 0;
  #abort: AbortController | undefined;
  #wake: (() => void) | undefined;
  #waiters: FlushWaiter[] = [];
  #closed: Promise<void> | undefined;

  /** Creates the shipper and its client; nothing is sent until records arrive. */
  constructor(config: ElasticsearchEnabled, deps: ElasticsearchShipperDeps) {
    this.#config = config;
    this.#queue = new RingBuffer(config.bufferSize);
    this.#metrics = new ShipperMetrics(deps.metrics, config.bufferSize);
    this.#health = new ShipperHealth(deps.log, describeTarget(config.url, config.index), config.maxRetries);
    this.#backoff = deps.backoff ?? DEFAULT_BACKOFF;
    // Loaded here, not at import: the client and its HTTP stack are a few hundred modules that a
    // service not shipping logs to Elasticsearch should not pay for.
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, see above */
    const { Client: ElasticsearchClient } =
      require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch');
    /* eslint-enable @typescript-eslint/no-require-imports */
    this.#client = new ElasticsearchClient({
      node: config.url,
      ...(config.apiKey === undefined ? {} : { auth: { apiKey: config.apiKey } }),
      maxRetries: 0,
      requestTimeout: deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      name: 'faultline-log-shipper',
    });
    this.#ticker = setInterval(() => this.#onTick(), config.flushIntervalMs);
    this.#ticker.unref();
  }

  /** Records waiting, including those in the request in flight; never above the capacity. */
  get pending(): number {
    return this.#queue.length + this.#inFlight.length;
  }

  /** The buffer capacity (`bufferSize`). */
  get capacity(): number {
    return this.#queue.capacity;
  }

  /** Whether Elasticsearch is currently taking batches. */
  get health(): Health {
    return this.#health.current;
  }

  /**
   * Buffers `record` for shipping. O(1); never throws, never blocks. When the buffer is full
   * the record is dropped and counted (`reason="queue_full"`); after shutdown, counted as
   * `reason="shutdown"`. The record must not be modified afterwards.
   */
  enqueue(record: Record<string, unknown>): void {
    try {
      if (this.#lifecycle !== 'running') return this.#metrics.dropped('shutdown', 1);
      if (this.pending >= this.#queue.capacity) return this.#metrics.dropped('queue_full', 1);
      this.#seq += 1;
      this.#queue.push({ seq: this.#seq, record });
      this.#metrics.buffered(1);
      if (this.#queue.length >= this.#config.batchSize) this.#scheduleSend();
    } catch {
      // Metrics or timers failing must not reach the application's log call.
    }
  }

  /**
   * Sends everything buffered before this call, and resolves true once all of it is accepted,
   * refused or dropped, or false when `timeoutMs` passes first (records then stay buffered).
   * Never rejects.
   */
  flush(timeoutMs = 5000): Promise<boolean> {
    const upTo = this.#seq;
    if (this.#settledUpTo(upTo)) return Promise.resolve(true);
    this.#drainAll = true;
    this.#startLoop();
    return new Promise((resolve) => {
      const waiter: FlushWaiter = {
        upTo,
        resolve: (drained) => {
          clearTimeout(timer);
          this.#waiters = this.#waiters.filter((other) => other !== waiter);
          resolve(drained);
        },
      };
      const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
      timer.unref();
      this.#waiters.push(waiter);
    });
  }

  /**
   * Stops accepting records, tries for at most `timeoutMs` to send what is buffered, then aborts
   * the request in flight, counts what is left as dropped (`reason="shutdown"`) and closes the
   * client. Idempotent; never rejects.
   */
  shutdown(timeoutMs = 5000): Promise<void> {
    this.#closed ??= this.#close(timeoutMs);
    return this.#closed;
  }

  async #close(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.#lifecycle = 'closing';
    clearInterval(this.#ticker);
    this.#wake?.(); // one last attempt now rather than after the current back-off
    await this.flush(timeoutMs);
    this.#lifecycle = 'closed';
    this.#abort?.abort();
    this.#wake?.();
    const left = this.#queue.clear() + this.#inFlight.length;
    this.#inFlight = [];
    this.#metrics.dropped('shutdown', left);
    this.#metrics.settled(left);
    this.#metrics.closed();
    this.#notifyWaiters();
    const remaining = Math.max(deadline - Date.now(), 100);
    await Promise.race([
      this.#client.close().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, remaining).unref()),
    ]);
  }

  // A method rather than a field test, so that checks after an await are not narrowed away.
  #isClosed(): boolean {
    return this.#lifecycle === 'closed';
  }

  #onTick(): void {
    if (this.#queue.length === 0) return;
    this.#drainAll = true;
    this.#startLoop();
  }

  #scheduleSend(): void {
    if (this.#looping || this.#scheduled) return;
    this.#scheduled = true;
    // Off the caller's stack: serialising a batch must not happen inside the app's log call.
    setImmediate(() => {
      this.#scheduled = false;
      this.#startLoop();
    }).unref();
  }

  #startLoop(): void {
    if (this.#looping || this.#isClosed()) return;
    this.#looping = true;
    this.#loop()
      .catch(() => undefined)
      .finally(() => {
        this.#looping = false;
        this.#notifyWaiters();
        if (!this.#isClosed() && this.#queue.length >= this.#config.batchSize) this.#scheduleSend();
      });
  }

  async #loop(): Promise<void> {
    while (!this.#isClosed()) {
      if (this.#inFlight.length === 0 && !this.#takeBatch()) return;
      await this.#attempt();
      this.#notifyWaiters();
      if (this.#inFlight.length > 0 && !this.#isClosed()) {
        await this.#pause(backoffDelay(this.#retryStreak, this.#backoff, Math.random()));
      }
    }
  }

  #takeBatch(): boolean {
    const due =
      this.#drainAll || this.#lifecycle === 'closing' || this.#queue.length >= this.#config.batchSize;
    if (this.#queue.length === 0) this.#drainAll = false;
    if (!due || this.#queue.length === 0) return false;
    this.#inFlight = this.#queue.take(this.#config.batchSize);
    this.#batchAttempts = 0;
    return true;
  }

  /** One bulk request for the records in flight; updates them from the outcome. */
  async #attempt(): Promise<void> {
    const operations = this.#operations();
    if (operations.length === 0) return;
    const abort = new AbortController();
    this.#abort = abort;
    let response: unknown;
    try {
      // Exporting telemetry must not itself produce spans.
      response = await context.with(suppressTracing(context.active()), () =>
        this.#client.bulk<string>({ index: this.#config.index, operations }, { signal: abort.signal }),
      );
    } catch (error) {
      if (!this.#isClosed()) this.#requestFailed(classifyRequestFailure(error));
      return;
    } finally {
      this.#abort = undefined;
    }
    if (this.#isClosed()) return;
    const verdicts = judgeBulkItems(response, this.#inFlight.length);
    if ('malformed' in verdicts) {
      return this.#requestFailed({ retryable: false, status: undefined, description: verdicts.malformed });
    }
    this.#health.requestSucceeded();
    this.#applyVerdicts(verdicts);
  }

  /** The NDJSON lines for the records in flight; a record that cannot be serialised is rejected. */
  #operations(): string[] {
    const operations: string[] = [];
    const sendable: Pending[] = [];
    for (const pending of this.#inFlight) {
      if (pending.line === undefined) {
        try {
          pending.line = JSON.stringify(pending.record) as string | undefined;
        } catch (error) {
          pending.line = undefined;
          this.#health.itemRejected({ status: 0, type: 'serialization_error', reason: String(error) });
        }
        if (pending.line === undefined) {
          this.#metrics.dropped('rejected', 1);
          this.#metrics.settled(1);
          continue;
        }
        this.#assignId(pending);
      }
      sendable.push(pending);
      operations.push(`{"create":{"_id":"${pending.id}"}}`, pending.line);
    }
    this.#inFlight = sendable;
    return operations;
  }

  #assignId(pending: Pending): void {
    pending.id = `${this.#idPrefix}${pending.seq.toString(36)}`;
  }

  #requestFailed(failure: RequestFailure): void {
    this.#metrics.exportFailed();
    this.#retryStreak += 1;
    this.#batchAttempts += 1;
    if (failure.retryable) return this.#health.requestFailed(failure, this.pending);
    if (this.#batchAttempts <= this.#config.maxRetries) return;
    const dropped = this.#inFlight.length;
    this.#inFlight = [];
    this.#retryStreak = 0;
    this.#metrics.dropped('export_failed', dropped);
    this.#metrics.settled(dropped);
    this.#health.batchDropped(failure, dropped);
  }

  #applyVerdicts(verdicts: ItemVerdicts): void {
    const batch = this.#inFlight;
    this.#metrics.exported(verdicts.accepted.length);
    this.#metrics.dropped('rejected', verdicts.rejected.length);
    this.#metrics.settled(verdicts.accepted.length + verdicts.rejected.length);
    for (const item of verdicts.rejected) this.#health.itemRejected(item);
    this.#inFlight = verdicts.retry.map((position) => batch[position] as Pending);
    this.#retryStreak = this.#inFlight.length === 0 ? 0 : this.#retryStreak + 1;
  }

  /** Waits `ms` (unref'd), or less if shutdown wakes it. */
  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.#wake = done;
    });
  }

  /** True when every record numbered up to `upTo` has left the buffer. */
  #settledUpTo(upTo: number): boolean {
    const oldest = this.#inFlight[0]?.seq ?? this.#queue.peek()?.seq;
    return oldest === undefined || oldest > upTo;
  }

  #notifyWaiters(): void {
    for (const waiter of [...this.#waiters]) {
      if (this.#settledUpTo(waiter.upTo)) waiter.resolve(true);
    }
  }
}
