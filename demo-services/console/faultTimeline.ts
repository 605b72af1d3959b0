/**
 * When each fault was in effect, as the console saw it: every reading of the chaos control's
 * active faults (each page poll, and right after every fault action) opens a period for a fault
 * that appeared and closes the period of one that went away. Charts mark these periods.
 */
import { describeFault, type Fault } from './faults.ts';

/** A fault in effect from `from` until `to` (unix ms); no `to` while it still is. */
export interface FaultPeriod {
  /** The fault as `npm run chaos` spells it (`provider-down`, `kill gateway-1`). */
  readonly label: string;
  readonly from: number;
  readonly to?: number;
}

/** The periods of the latest faults; the oldest ended periods are dropped past `capacity`. */
export class FaultTimeline {
  readonly #open = new Map<string, number>();
  #ended: FaultPeriod[] = [];
  readonly #capacity: number;

  constructor(capacity = 50) {
    this.#capacity = capacity;
  }

  /** Records that `active` are the faults in effect at `now`. */
  observe(active: readonly Fault[], now = Date.now()): void {
    const labels = new Set(active.map(describeFault));
    for (const label of labels) if (!this.#open.has(label)) this.#open.set(label, now);
    for (const [label, from] of this.#open) {
      if (labels.has(label)) continue;
      this.#open.delete(label);
      this.#ended.push({ label, from, to: now });
    }
    this.#ended = this.#ended.slice(-this.#capacity);
  }

  /** Periods that overlap the time since `since` (unix ms), oldest first. */
  periods(since: number): FaultPeriod[] {
    const open = [...this.#open].map(([label, from]) => ({ label, from }));
    return [...this.#ended.filter((p) => (p.to ?? Infinity) >= since), ...open].sort(
      (a, b) => a.from - b.from,
    );
  }
}
