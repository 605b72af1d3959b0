/**
 * The cockatiel adapter: reports a `CircuitBreakerPolicy` through {@link BreakerSignals}.
 * cockatiel is not imported; the policy is recognised by its shape.
 *
 * How cockatiel (3 and 4) reports a call, and how it is counted here:
 * - `onSuccess` / `onFailure` fire once per run of the protected function. A failure whose
 *   error is a `TaskCancelledError` (what a `TimeoutPolicy` inside the breaker throws when
 *   its time is up) counts as `timeout`, any other as `failure`.
 * - A call refused while the circuit is open or isolated throws `BrokenCircuitError` (or
 *   `IsolatedCircuitError`) from `execute` and fires no event at all, so `execute` is wrapped
 *   on the instance: a call whose function never ran and that rejected with one of those
 *   errors counts as `rejected`. The wrapper is removed by the disposer.
 * - `onStateChange` carries every transition; `Isolated` (held open by `isolate()`) is
 *   reported as `open`. Half-open is entered lazily, by the first call after the break.
 * A circuit breaker policy has no fallback of its own (cockatiel's fallback is a separate
 * policy), so its fallback counter stays at 0.
 */
import { BreakerSignals, type BreakerState } from './BreakerSignals.ts';
import { wrapInstanceMethod } from '../wrapInstanceMethod.ts';

/** cockatiel's `IDisposable`. */
interface Disposable {
  dispose(): void;
}

/** cockatiel's `Event<T>`: subscribing returns a disposable. */
type CockatielEvent<T> = (listener: (data: T) => void) => Disposable;

/** What cockatiel passes to the protected function (`IDefaultPolicyContext`). */
interface PolicyContext {
  readonly signal: AbortSignal;
}

/** The part of a cockatiel `CircuitBreakerPolicy` the instrumentation uses. */
export interface CockatielBreaker {
  readonly state: number;
  readonly onStateChange: CockatielEvent<number>;
  readonly onSuccess: CockatielEvent<unknown>;
  readonly onFailure: CockatielEvent<{ readonly reason: unknown }>;
  execute<T>(fn: (context: PolicyContext) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T>;
  isolate(): Disposable;
}

/** cockatiel's `CircuitState` values (a numeric enum, stable since cockatiel 1). */
const COCKATIEL_STATES: Readonly<Record<number, BreakerState>> = {
  0: 'closed',
  1: 'open',
  2: 'half_open',
  3: 'open',
};

/** Whether `value` looks like a cockatiel `CircuitBreakerPolicy`. */
export function isCockatielBreaker(value: unknown): value is CockatielBreaker {
  const candidate = value as Partial<CockatielBreaker> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.onStateChange === 'function' &&
    typeof candidate.onFailure === 'function' &&
    typeof candidate.execute === 'function' &&
    typeof candidate.isolate === 'function' &&
    typeof candidate.state === 'number'
  );
}

function hasFlag(error: unknown, flag: string): boolean {
  return typeof error === 'object' && error !== null && flag in error;
}

function failureError(event: { readonly reason: unknown }): unknown {
  const reason = event.reason as { error?: unknown } | undefined;
  return reason?.error;
}

type Execute = CockatielBreaker['execute'];

/** Wraps `execute` on the instance to count refused calls; returns the undo. */
function countRejections(policy: CockatielBreaker, signals: BreakerSignals): () => void {
  return wrapInstanceMethod(
    policy as { execute: Execute },
    'execute',
    (original) =>
      function <T>(
        this: CockatielBreaker,
        fn: (context: PolicyContext) => PromiseLike<T> | T,
        signal?: AbortSignal,
      ): Promise<T> {
        let ran = false;
        const tracked = (context: PolicyContext) => {
          ran = true;
          return fn(context);
        };
        return (original.call(this, tracked, signal) as Promise<T>).catch((error: unknown) => {
          if (!ran && hasFlag(error, 'isBrokenCircuitError')) signals.call('rejected');
          throw error;
        });
      } as Execute,
  );
}

/**
 * Reports `policy`'s calls and state changes under `name`. Returns a function that removes the
 * listeners and the `execute` wrapper (the metrics keep their values).
 */
export function instrumentCockatiel(policy: CockatielBreaker, name: string): () => void {
  const signals = new BreakerSignals(name, COCKATIEL_STATES[policy.state] ?? 'closed');
  const subscriptions: Disposable[] = [
    policy.onSuccess(() => signals.call('success')),
    policy.onFailure((event) => {
      signals.call(hasFlag(failureError(event), 'isTaskCancelledError') ? 'timeout' : 'failure');
    }),
    policy.onStateChange((state) => {
      const mapped = COCKATIEL_STATES[state];
      if (mapped !== undefined) signals.transition(mapped);
    }),
  ];
  const restoreExecute = countRejections(policy, signals);
  return () => {
    for (const subscription of subscriptions) subscription.dispose();
    restoreExecute();
  };
}
