/**
 * `instrumentBreaker`: one call that makes an existing circuit breaker observable, whichever of
 * the supported libraries built it.
 */
import { instrumentCockatiel, isCockatielBreaker, type CockatielBreaker } from './cockatiel.ts';
import { instrumentOpossum, isOpossumBreaker, type OpossumBreaker } from './opossum.ts';

/** A breaker {@link instrumentBreaker} accepts: an opossum `CircuitBreaker` or a cockatiel `CircuitBreakerPolicy`. */
export type InstrumentableBreaker = OpossumBreaker | CockatielBreaker;

/** Options of {@link instrumentBreaker}. */
export interface InstrumentBreakerOptions {
  /** Value of the `breaker` label and of `faultline.breaker.name`; keep it stable and low-cardinality. */
  readonly name: string;
}

const instrumented = new WeakMap<object, () => void>();

/**
 * Reports `breaker` as `name`: `circuit_breaker_state` (present at once, with the breaker's
 * current state), `circuit_breaker_calls_total{outcome}`, `circuit_breaker_transitions_total{to}`,
 * `circuit_breaker_fallbacks_total`, and on every state change a `circuit_breaker.state_change`
 * event on the active span and one ECS log line. The app's code does not change otherwise.
 *
 * Returns a function that stops the reporting (metrics keep their last values). Instrumenting
 * the same breaker again returns the first call's function and reports nothing twice.
 *
 * @throws TypeError if `breaker` is neither an opossum breaker nor a cockatiel breaker policy,
 * or `name` is empty.
 */
export function instrumentBreaker(
  breaker: InstrumentableBreaker,
  options: InstrumentBreakerOptions,
): () => void {
  if (typeof options?.name !== 'string' || options.name === '') {
    throw new TypeError('instrumentBreaker: options.name must be a non-empty string (the breaker label)');
  }
  const existing = instrumented.get(breaker);
  if (existing) return existing;
  let dispose: () => void;
  if (isCockatielBreaker(breaker)) dispose = instrumentCockatiel(breaker, options.name);
  else if (isOpossumBreaker(breaker)) dispose = instrumentOpossum(breaker, options.name);
  else {
    throw new TypeError(
      `instrumentBreaker(${options.name}): expected an opossum CircuitBreaker or a cockatiel CircuitBreakerPolicy`,
    );
  }
  let disposed = false;
  const disposer = () => {
    if (disposed) return;
    disposed = true;
    instrumented.delete(breaker);
    dispose();
  };
  instrumented.set(breaker, disposer);
  return disposer;
}
