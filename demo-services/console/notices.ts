/**
 * Messages shown once after a form post (post, redirect, get). Kept in memory under a random
 * id, so the page never echoes text taken from its URL.
 */
import { randomBytes } from 'node:crypto';

/** A message for the next page view. */
export interface Notice {
  readonly kind: 'ok' | 'error';
  readonly text: string;
}

/** The latest notices; old ones are dropped. */
export class Notices {
  readonly #notices = new Map<string, Notice>();
  readonly #capacity: number;

  constructor(capacity = 50) {
    this.#capacity = capacity;
  }

  /** Stores `notice` and returns its id. */
  add(notice: Notice): string {
    const id = randomBytes(8).toString('hex');
    this.#notices.set(id, notice);
    for (const key of this.#notices.keys()) {
      if (this.#notices.size <= this.#capacity) break;
      this.#notices.delete(key);
    }
    return id;
  }

  /** The notice stored under `id`, if any. */
  get(id: unknown): Notice | undefined {
    return typeof id === 'string' ? this.#notices.get(id) : undefined;
  }
}
