/**
 * Steady charge traffic against the payment-app fixture, as a load generator would send it:
 * one request at a time, paced, for as long as the test needs the breaker to see calls.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** A running traffic loop. */
export interface Traffic {
  /** Answers seen so far, by HTTP status (`error` for a request that got no answer). */
  counts(): Readonly<Record<string, number>>;
  /** Ends the loop and resolves once its last request is done. */
  stop(): Promise<void>;
}

/** Sends `POST <appUrl>/charge` every `pauseMs` until stopped. */
export function startTraffic(appUrl: string, pauseMs = 50): Traffic {
  const counts: Record<string, number> = {};
  const controller = new AbortController();
  const loop = (async () => {
    while (!controller.signal.aborted) {
      let outcome: string;
      try {
        const res = await fetch(`${appUrl}/charge`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ amountCents: 100 }),
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(5000)]),
        });
        await res.arrayBuffer();
        outcome = String(res.status);
      } catch {
        outcome = 'error';
      }
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      // Pacing between requests, not a wait for a condition: an aborted pause just ends the loop.
      await delay(pauseMs, undefined, { signal: controller.signal }).catch(() => undefined);
    }
  })();
  return {
    counts: () => ({ ...counts }),
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
