/**
 * The opossum adapter: listens to a `CircuitBreaker`'s events and reports them through
 * {@link BreakerSignals}. opossum is not imported; the breaker is recognised by its shape, so
 * the package works in apps that do not use it.
 *
 * How opossum (8 to 10) reports a call, and how it is counted here, once per call:
 * - `success`: the action resolved, or it rejected with an error its `errorFilter` accepted.
 * - `timeout` then `failure` with the same error: the action ran past `timeout`. Counted as
 *   `timeout` only; the `failure` (and a `success`, should `errorFilter` accept the timeout
 *   error) that follows for that error is skipped.
 * - `failure`: the action rejected or threw. A call refused for lack of capacity
 *   (`semaphoreLocked`) is also reported as a failure by opossum and counted as one.
 * - `reject`: the breaker is open (or half-open with its trial call in flight) and refused the
 *   call without running it.
 * - `fallback`: the fallback answered, after a failure or a rejection.
 * State changes are `open`, `halfOpen` (from a timer, `resetTimeout` after opening) and
 * `close` (after a successful trial call).
 */
import { BreakerSignals, type BreakerCallOutcome, type BreakerState } from './BreakerSignals.ts';

/** The part of an opossum `CircuitBreaker` the instrumentation uses. */
export interface OpossumBreaker {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
  fire(...args: never[]): Promise<unknown>;
  readonly opened: boolean;
  readonly halfOpen: boolean;
}

/** Whether `value` looks like an opossum `CircuitBreaker`. */
export function isOpossumBreaker(value: unknown): value is OpossumBreaker {
  const candidate = value as Partial<OpossumBreaker> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.on === 'function' &&
    typeof candidate.removeListener === 'function' &&
    typeof candidate.fire === 'function' &&
    'opened' in candidate &&
    'halfOpen' in candidate
  );
}

function currentState(breaker: OpossumBreaker): BreakerState {
  if (breaker.opened) return 'open';
  if (breaker.halfOpen) return 'half_open';
  return 'closed';
}

/**
 * Reports `breaker`'s calls, fallbacks and state changes under `name`. Returns a function that
 * removes the listeners (the metrics keep their values).
 */
export function instrumentOpossum(breaker: OpossumBreaker, name: string): () => void {
  const signals = new BreakerSignals(name, currentState(breaker));
  const timedOut = new WeakSet<object>();
  const isTimeoutError = (error: unknown): boolean =>
    typeof error === 'object' && error !== null && timedOut.has(error);
  const count = (outcome: BreakerCallOutcome) => () => signals.call(outcome);

  const listeners: Record<string, (...args: unknown[]) => void> = {
    success: (result: unknown) => {
      if (!isTimeoutError(result)) signals.call('success');
    },
    failure: (error: unknown) => {
      if (!isTimeoutError(error)) signals.call('failure');
    },
    timeout: (error: unknown) => {
      if (typeof error === 'object' && error !== null) timedOut.add(error);
      signals.call('timeout');
    },
    reject: count('rejected'),
    fallback: () => signals.fallback(),
    open: () => signals.transition('open'),
    halfOpen: () => signals.transition('half_open'),
    close: () => signals.transition('closed'),
  };
  for (const [event, listener] of Object.entries(listeners)) breaker.on(event, listener);
  return () => {
    for (const [event, listener] of Object.entries(listeners)) breaker.removeListener(event, listener);
  };
}
