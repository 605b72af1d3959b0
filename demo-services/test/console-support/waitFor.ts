/** Waiting for a condition in the console's tests: polled with a deadline, never a fixed sleep. */
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves with the first value other than undefined that `check` returns (a throw counts as
 * "not yet"); after `timeoutMs` rejects with `explain()` and the last error seen.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  explain: () => string | Promise<string>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await delay(intervalMs);
  }
  const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`Gave up after ${timeoutMs} ms waiting for ${await explain()}${cause}`);
}
