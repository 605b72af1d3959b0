/** Polling with a deadline for the demo's tests: never a fixed sleep. */
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Calls `probe` until it resolves to something other than undefined and returns it; at the
 * deadline throws with `describe()`'s account of what was seen.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  describe: () => string | Promise<string>,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`);
    await delay(intervalMs);
  }
}
