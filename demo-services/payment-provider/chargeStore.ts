/**
 * The simulator's ledger: one charge per idempotency key, however many times it is requested.
 * In memory, since the simulator stands in for a remote system the demo does not own.
 */
import { randomUUID } from 'node:crypto';

/** A charge the provider made. */
export interface Charge {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly amountCents: number;
  /** Requests that carried this key (1 = never retried). */
  requests: number;
  readonly createdAt: string;
}

/** What `charge` did: created a new charge, or found the one made for the same key. */
export type ChargeResult = { created: boolean; charge: Charge };

/** Charges keyed by idempotency key. */
export class ChargeStore {
  readonly #byKey = new Map<string, Charge>();

  /** Charges `amountCents` under `key`, or returns the charge already made under it. */
  charge(key: string, amountCents: number): ChargeResult {
    const existing = this.#byKey.get(key);
    if (existing) {
      existing.requests += 1;
      return { created: false, charge: existing };
    }
    const charge: Charge = {
      id: `ch_${randomUUID()}`,
      idempotencyKey: key,
      amountCents,
      requests: 1,
      createdAt: new Date().toISOString(),
    };
    this.#byKey.set(key, charge);
    return { created: true, charge };
  }

  /** Every charge, oldest first. */
  list(): Charge[] {
    return [...this.#byKey.values()];
  }

  /** Forgets every charge (tests). */
  clear(): void {
    this.#byKey.clear();
  }
}
