/**
 * A steady client of the public API: places orders at a fixed rate, sometimes repeats one
 * (idempotency), reads orders back, and retries failed requests with the same
 * Idempotency-Key, as a well-behaved client does, so a killed instance loses nothing.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { OrderRequest } from '../shared/orderRequest.ts';
import { randomOrder } from './orderFactory.ts';

/** Options of a {@link LoadGenerator}. */
export interface LoadGeneratorOptions {
  targetUrl: string;
  ratePerSecond: number;
  declineRatio: number;
  duplicateRatio: number;
  /** Attempts per request before it counts as an error. */
  maxAttempts?: number;
}

/** What the generator saw so far. */
export interface LoadStats {
  /** Orders placed (first requests, not repeats). */
  placed: number;
  /** Distinct order ids the API accepted (202). */
  accepted: number;
  /** Requests retried after a 5xx or a network error. */
  retries: number;
  /** Orders given up on after every attempt failed. */
  errors: number;
  /** Repeated requests that returned a different order id (must stay 0). */
  duplicateMismatches: number;
}

type Placed = { key: string; body: OrderRequest; orderId: string };

/** See the module comment. */
export class LoadGenerator {
  readonly #options: LoadGeneratorOptions;
  readonly #accepted = new Map<string, Placed>();
  readonly #recent: Placed[] = [];
  readonly #stats: LoadStats = { placed: 0, accepted: 0, retries: 0, errors: 0, duplicateMismatches: 0 };
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: LoadGeneratorOptions) {
    this.#options = options;
  }

  /** A copy of the counters. */
  get stats(): LoadStats {
    return { ...this.#stats };
  }

  /** Ids of every accepted order. */
  acceptedOrderIds(): string[] {
    return [...this.#accepted.keys()];
  }

  /** Starts sending. */
  start(): void {
    const intervalMs = 1000 / this.#options.ratePerSecond;
    this.#timer = setInterval(() => {
      const work = this.#tick().finally(() => this.#inFlight.delete(work));
      this.#inFlight.add(work);
    }, intervalMs);
  }

  /** Stops sending and waits for requests in flight (with their retries). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all(this.#inFlight);
  }

  async #tick(): Promise<void> {
    const repeat = this.#recent.length > 0 && Math.random() < this.#options.duplicateRatio;
    if (repeat) {
      const previous = this.#recent[Math.floor(Math.random() * this.#recent.length)] as Placed;
      const orderId = await this.#post(previous.key, previous.body);
      if (orderId !== undefined && orderId !== previous.orderId) this.#stats.duplicateMismatches += 1;
      return;
    }
    const key = randomUUID();
    const body = randomOrder(Math.random() < this.#options.declineRatio);
    this.#stats.placed += 1;
    const orderId = await this.#post(key, body);
    if (orderId === undefined) {
      this.#stats.errors += 1;
      return;
    }
    const placed = { key, body, orderId };
    if (!this.#accepted.has(orderId)) this.#stats.accepted += 1;
    this.#accepted.set(orderId, placed);
    this.#recent.push(placed);
    if (this.#recent.length > 50) this.#recent.shift();
    await this.#read(orderId);
  }

  /** Posts with retries on 5xx and network errors; resolves with the order id, or undefined. */
  async #post(key: string, body: OrderRequest): Promise<string | undefined> {
    const maxAttempts = this.#options.maxAttempts ?? 8;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      if (attempt > 1) {
        this.#stats.retries += 1;
        await delay(Math.min(2000, 100 * 2 ** (attempt - 2)));
      }
      try {
        const response = await fetch(`${this.#options.targetUrl}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        const answer = (await response.json().catch(() => ({}))) as { orderId?: string };
        if (response.status === 202 && answer.orderId) return answer.orderId;
        if (response.status < 500) return undefined;
      } catch {
        // network error: retry with the same key
      }
    }
    return undefined;
  }

  async #read(orderId: string): Promise<void> {
    await fetch(`${this.#options.targetUrl}/api/orders/${orderId}`, { signal: AbortSignal.timeout(5000) })
      .then((response) => response.arrayBuffer())
      .catch(() => undefined);
  }
}
