/**
 * How long to wait before the next export attempt: exponential growth from an initial delay,
 * capped, with "equal jitter" (half fixed, half random) so that many instances recovering from
 * the same outage do not retry in lockstep.
 */

/** Bounds of the retry delay. */
export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. */
  readonly initialDelayMs: number;
  /** Largest delay between two attempts, in milliseconds (reached after a few failures). */
  readonly maxDelayMs: number;
}

/** Default bounds: 100 ms doubling up to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 100, maxDelayMs: 30_000 };

/**
 * The delay before retry number `retry` (1 for the first retry). `random` is a number in
 * [0, 1); the result lies in [ceiling / 2, ceiling] where ceiling = min(max, initial * 2^(retry-1)).
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: number): number {
  const exponent = Math.min(Math.max(retry - 1, 0), 30);
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
