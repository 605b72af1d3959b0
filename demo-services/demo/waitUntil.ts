/** Polls an async condition until it holds or the deadline passes (no fixed sleeps). */
import path from 'node:path';
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

/**
 * How long a demo process may take to answer ready: a dozen Node processes start at once, and on
 * a 2-core machine that is also running other load (the test suite runs the bench beside the demo
 * tests) 30 s was observed not to be enough.
 */
const READY_TIMEOUT_MS = 60_000;

/**
 * How long a test may give `startDemo` (its hook's timeout): the processes start in waves (the
 * order service first, then the rest), each wave given READY_TIMEOUT_MS, plus the backends.
 */
export const DEMO_START_TIMEOUT_MS = 3 * READY_TIMEOUT_MS;

/** Waits for `url` to answer 200, naming the log to read when it does not. */
export async function waitForReady(url: string, name: string, state: string): Promise<void> {
  await waitUntil(
    async () => (await fetch(url).catch(() => undefined))?.status === 200,
    READY_TIMEOUT_MS,
  ).catch(() => {
    throw new Error(
      `${name} did not become ready at ${url} within ${READY_TIMEOUT_MS / 1000} s; ` +
        `see ${path.join(state, 'logs', `${name}.log`)}`,
    );
  });
}
