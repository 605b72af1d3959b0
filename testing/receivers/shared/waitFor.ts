/**
 * Polling with a deadline: how every receiver's `waitFor...` helper waits for traffic, so no
 * test ever sleeps a fixed time and hopes.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** How long to wait, and how often to look. */
export interface WaitOptions {
  /** Give up after this many milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Time between two looks (default 20 ms). */
  intervalMs?: number;
}

/** The condition did not hold before the deadline; the message says what was awaited and what was seen. */
export class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Calls `probe` (which may be async) until it yields something other than undefined, and
 * resolves with that.
 * `describe` is called once on timeout to explain the state at that moment.
 * Throws WaitTimeoutError at the deadline; an exception from `probe` propagates at once.
 */
export async function pollUntil<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  describe: () => string,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() >= deadline) throw new WaitTimeoutError(`timed out after ${timeoutMs} ms: ${describe()}`);
    await delay(intervalMs);
  }
}
