/**
 * A fixed-capacity FIFO over a preallocated array: push and shift are O(1) and never allocate,
 * so holding log records costs the same whether the buffer is empty or full.
 */
export class RingBuffer<T> {
  readonly #slots: (T | undefined)[];
  #head = 0;
  #length = 0;

  /** Creates an empty buffer for at most `capacity` items. Throws a RangeError below 1. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`RingBuffer capacity must be a positive integer, got ${capacity}`);
    }
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Number of items held. */
  get length(): number {
    return this.#length;
  }

  /** Maximum number of items. */
  get capacity(): number {
    return this.#slots.length;
  }

  /** Appends `item`; returns false (and keeps nothing) when full. */
  push(item: T): boolean {
    if (this.#length === this.#slots.length) return false;
    this.#slots[(this.#head + this.#length) % this.#slots.length] = item;
    this.#length += 1;
    return true;
  }

  /** The oldest item, without removing it. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#slots[this.#head];
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#slots.length;
    this.#length -= 1;
    return item;
  }

  /** Removes and returns up to `count` oldest items, oldest first. */
  take(count: number): T[] {
    const taken: T[] = [];
    while (taken.length < count && this.#length > 0) taken.push(this.shift() as T);
    return taken;
  }

  /** Removes everything; returns how many items were dropped. */
  clear(): number {
    const dropped = this.#length;
    while (this.#length > 0) this.shift();
    return dropped;
  }
}
