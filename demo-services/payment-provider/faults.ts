/**
 * The faults the payment-provider simulator can inject, and the pure decision of what one
 * request suffers under them.
 */
import { z } from 'zod';

/** Injected faults; all off is a healthy provider. */
export interface Faults {
  /** Added to every charge request. */
  latencyMs: number;
  /** Share of charge requests answered 500 before anything is charged, 0..1. */
  errorRate: number;
  /** Charge requests are never answered (the client's timeout fires). */
  timeout: boolean;
  /** Connections are reset at once, as if the provider were unreachable. */
  down: boolean;
}

/** No fault. */
export const HEALTHY: Faults = Object.freeze({ latencyMs: 0, errorRate: 0, timeout: false, down: false });

/** Longest latency that can be injected: past it a demo would only look hung. */
export const MAX_LATENCY_MS = 60_000;

/** Schema of a partial update of the faults (the admin endpoint's body). */
export const faultsUpdateSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(MAX_LATENCY_MS),
    errorRate: z.number().min(0).max(1),
    timeout: z.boolean(),
    down: z.boolean(),
  })
  .partial()
  .strict();

/** What happens to one charge request. */
export type FaultDecision =
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'error'; delayMs: number }
  | { kind: 'proceed'; delayMs: number };

/** Decides the fate of one request; `random` is a number in [0, 1). */
export function decide(faults: Faults, random: number): FaultDecision {
  if (faults.down) return { kind: 'reset' };
  if (faults.timeout) return { kind: 'hang' };
  if (random < faults.errorRate) return { kind: 'error', delayMs: faults.latencyMs };
  return { kind: 'proceed', delayMs: faults.latencyMs };
}
