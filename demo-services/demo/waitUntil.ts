/** Polls an async condition until it holds or the deadline passes (no fixed sleeps). */
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves once `condition` resolves true; rejects after `timeoutMs`. */
export async function waitUntil(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() >= deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(intervalMs);
  }
}
