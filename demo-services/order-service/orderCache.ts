/**
 * The Redis read cache in front of PostgreSQL. Only final orders (paid or failed) are cached:
 * they never change again, so the cache needs no invalidation when payment-service updates
 * the status. A pending order is always read from PostgreSQL.
 *
 * Redis being down never fails a read: the look-up is counted `degraded` and the caller reads
 * PostgreSQL. The client fails fast (no offline queue, short command timeout) instead of
 * queueing commands until Redis returns. Behind Sentinel, a master lost is the same: reads are
 * degraded until the Sentinels have elected a new one and the client has followed it (counted
 * in `cache_failovers_total`).
 */
import type { Redis } from 'ioredis';
import { getMetricsRegistry } from '@faultline/instrumentation';
import type { Logger } from '../shared/logger.ts';
import { redisClient, type RedisTarget } from '../shared/redisTarget.ts';
import type { OrderView } from './orderStore.ts';

/** Value of the `cache` label on `cache_requests_total`. */
export const CACHE_NAME = 'orders';

/** The outcome of one look-up. */
export type CacheLookup =
  { outcome: 'hit'; order: OrderView } | { outcome: 'miss' } | { outcome: 'degraded'; error: Error };

/** Options of an {@link OrderCache}. */
export interface OrderCacheOptions {
  target: RedisTarget;
  keyPrefix: string;
  ttlSeconds: number;
  log: Logger;
}

/** See the module comment. */
export class OrderCache {
  readonly #redis: Redis;
  readonly #options: OrderCacheOptions;
  /** The address of the master the client last connected to. */
  #master: string | undefined;

  constructor(options: OrderCacheOptions) {
    this.#options = options;
    this.#redis = redisClient(options.target, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 300,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
    this.#redis.on('error', () => undefined); // connection errors surface as degraded look-ups
    this.#redis.on('ready', () =>
      this.#connectedTo(`${this.#redis.stream.remoteAddress}:${this.#redis.stream.remotePort}`),
    );
  }

  /**
   * Counts a failover when the client, reconnecting, finds its master at another address than
   * before (behind Sentinel: the master it followed after an election).
   */
  #connectedTo(address: string): void {
    if (this.#master !== undefined && this.#master !== address) {
      getMetricsRegistry().counter('cacheFailovers').inc({ cache: CACHE_NAME });
      this.#options.log.warn('order cache follows a new Redis master', { from: this.#master, to: address });
    }
    this.#master = address;
  }

  /** Whether the client is connected right now. */
  get connected(): boolean {
    return this.#redis.status === 'ready';
  }

  /** Looks `orderId` up and counts the outcome. Never throws. */
  async get(orderId: string): Promise<CacheLookup> {
    const lookup = await this.#lookup(orderId);
    getMetricsRegistry().counter('cacheRequests').inc({ cache: CACHE_NAME, outcome: lookup.outcome });
    if (lookup.outcome === 'degraded')
      this.#options.log.warn('order cache degraded', { error: lookup.error.message });
    return lookup;
  }

  /** Caches `order` if it is final. Never throws: a cache write failing only costs a later miss. */
  async putIfFinal(order: OrderView): Promise<void> {
    if (order.status === 'pending') return;
    await this.#redis
      .set(this.#key(order.orderId), JSON.stringify(order), 'EX', this.#options.ttlSeconds)
      .catch(() => undefined);
  }

  /** Disconnects. */
  async close(): Promise<void> {
    this.#redis.disconnect();
  }

  async #lookup(orderId: string): Promise<CacheLookup> {
    try {
      const cached = await this.#redis.get(this.#key(orderId));
      return cached === null
        ? { outcome: 'miss' }
        : { outcome: 'hit', order: JSON.parse(cached) as OrderView };
    } catch (error) {
      return { outcome: 'degraded', error: error as Error };
    }
  }

  #key(orderId: string): string {
    return `${this.#options.keyPrefix}order:${orderId}`;
  }
}
