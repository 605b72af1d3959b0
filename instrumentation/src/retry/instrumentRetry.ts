/**
 * `instrumentRetry`: makes a cockatiel `RetryPolicy` observable. Retries themselves are
 * cockatiel's (its exponential backoff with jitter); this module only watches them.
 *
 * How cockatiel (3 and 4) runs a call, and what is counted in `retry_attempts_total`, one
 * outcome per attempt:
 * - `onSuccess` fires when an attempt succeeds: `success`.
 * - `onRetry` fires after a handled failure that will be retried, with the planned delay:
 *   `retry`.
 * - `onGiveUp` fires when a handled failure is not retried: `aborted` if the call's
 *   `AbortSignal` was aborted (cockatiel stops retrying then), `exhausted` otherwise
 *   (attempts used up).
 * - A failure the policy does not handle (its `handleType`/`handleWhen` filter says no)
 *   rejects at once without `onGiveUp`; it also ends the call and counts as `exhausted`, or
 *   `aborted` if the signal was aborted.
 *
 * `retry_backoff_seconds` observes the delay actually waited: from `onRetry` (emitted as
 * cockatiel's timer starts) to the start of the next attempt, measured on the monotonic
 * clock. It therefore includes event-loop delay, which is what the caller experienced.
 *
 * Attributing events to one call needs per-call state, and cockatiel's events carry none, so
 * `execute` is wrapped on the instance: the wrapper runs the call inside an
 * `AsyncLocalStorage` scope (cockatiel emits events from within the call's own async chain)
 * and wraps the function to see each attempt start. The disposer removes the wrapper.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';
import { spanAttributes, spanEvents } from '../catalogue/index.ts';
import { observeHistogram } from '../metrics/observeHistogram.ts';
import { getRuntime, type Runtime } from '../runtime.ts';
import { wrapInstanceMethod } from '../wrapInstanceMethod.ts';

/** cockatiel's `IDisposable`. */
interface Disposable {
  dispose(): void;
}

/** cockatiel's `Event<T>`. */
type CockatielEvent<T> = (listener: (data: T) => void) => Disposable;

/** What cockatiel passes to the retried function (`IRetryContext`). */
interface RetryContext {
  readonly signal: AbortSignal;
  readonly attempt: number;
}

/** The part of a cockatiel `RetryPolicy` the instrumentation uses. */
export interface CockatielRetry {
  readonly onRetry: CockatielEvent<{ readonly delay: number; readonly attempt: number }>;
  readonly onSuccess: CockatielEvent<unknown>;
  readonly onGiveUp: CockatielEvent<unknown>;
  execute<T>(fn: (context: RetryContext) => PromiseLike<T> | T, signal?: AbortSignal): Promise<T>;
}

/** Options of {@link instrumentRetry}. */
export interface InstrumentRetryOptions {
  /** Value of the `operation` label; keep it stable and low-cardinality. */
  readonly operation: string;
}

/** The outcomes of one attempt, as the `outcome` label spells them. */
export const RETRY_OUTCOMES = ['success', 'retry', 'exhausted', 'aborted'] as const;

/** How one attempt of a retried operation ended. */
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];

/** Per-call state, found from cockatiel's events through the async scope. */
interface CallState {
  signal: AbortSignal | undefined;
  /** `performance.now()` at the last `onRetry`, until the next attempt starts. */
  retryAt: number | undefined;
  ended: boolean;
}

type Execute = CockatielRetry['execute'];

function isRetryPolicy(value: unknown): value is CockatielRetry {
  const candidate = value as Partial<CockatielRetry> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.onRetry === 'function' &&
    typeof candidate.onGiveUp === 'function' &&
    typeof candidate.onSuccess === 'function' &&
    typeof candidate.execute === 'function'
  );
}

/** Runs `report`; it runs inside the app's calls, so nothing may escape. */
function neverThrow(report: () => void): void {
  try {
    report();
  } catch {
    // A metrics failure must never change what the app's call returns.
  }
}

class RetrySignals {
  readonly #runtime: Runtime = getRuntime();
  readonly #operation: string;

  constructor(operation: string) {
    this.#operation = operation;
    for (const outcome of RETRY_OUTCOMES) this.attempt(outcome, 0);
  }

  attempt(outcome: RetryOutcome, count = 1): void {
    neverThrow(() =>
      this.#runtime.metrics.counter('retryAttempts').inc({ operation: this.#operation, outcome }, count),
    );
  }

  waited(seconds: number): void {
    neverThrow(() =>
      observeHistogram(
        this.#runtime.metrics.histogram('retryBackoff'),
        { operation: this.#operation },
        seconds,
      ),
    );
  }

  retrying(attempt: number, delayMs: number): void {
    this.attempt('retry');
    neverThrow(() => {
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return;
      span.addEvent(spanEvents.retryAttempt, {
        [spanAttributes.retryOperation]: this.#operation,
        [spanAttributes.retryAttempt]: attempt,
        [spanAttributes.retryDelayMs]: delayMs,
      });
    });
  }
}

function wrapExecute(
  policy: CockatielRetry,
  signals: RetrySignals,
  calls: AsyncLocalStorage<CallState>,
): () => void {
  return wrapInstanceMethod(
    policy as { execute: Execute },
    'execute',
    (original) =>
      function <T>(
        this: CockatielRetry,
        fn: (context: RetryContext) => PromiseLike<T> | T,
        signal?: AbortSignal,
      ): Promise<T> {
        const state: CallState = { signal, retryAt: undefined, ended: false };
        const attempt = (context: RetryContext) => {
          state.signal = context.signal;
          if (state.retryAt !== undefined) {
            signals.waited((performance.now() - state.retryAt) / 1000);
            state.retryAt = undefined;
          }
          return fn(context);
        };
        const call = calls.run(state, () => original.call(this, attempt, signal)) as Promise<T>;
        return call.catch((error: unknown) => {
          if (!state.ended) {
            state.ended = true;
            signals.attempt(state.signal?.aborted ? 'aborted' : 'exhausted');
          }
          throw error;
        });
      } as Execute,
  );
}

const instrumented = new WeakMap<object, () => void>();

/**
 * Reports `policy`'s attempts as `operation`: `retry_attempts_total{outcome}` (series present
 * at 0 from now on), `retry_backoff_seconds` (delays actually waited) and a `retry.attempt`
 * event on the active span for each retry. Returns a function that stops the reporting.
 * Instrumenting the same policy again returns the first call's function.
 *
 * @throws TypeError if `policy` is not a cockatiel retry policy or `operation` is empty.
 */
export function instrumentRetry(policy: CockatielRetry, options: InstrumentRetryOptions): () => void {
  if (typeof options?.operation !== 'string' || options.operation === '') {
    throw new TypeError(
      'instrumentRetry: options.operation must be a non-empty string (the operation label)',
    );
  }
  if (!isRetryPolicy(policy)) {
    throw new TypeError(
      `instrumentRetry(${options.operation}): expected a cockatiel RetryPolicy (from retry(...))`,
    );
  }
  const existing = instrumented.get(policy);
  if (existing) return existing;
  const signals = new RetrySignals(options.operation);
  const calls = new AsyncLocalStorage<CallState>();
  const end = (outcome: RetryOutcome) => {
    const state = calls.getStore();
    if (state) state.ended = true;
    signals.attempt(outcome);
  };
  const subscriptions = [
    policy.onSuccess(() => end('success')),
    policy.onRetry(({ attempt, delay }) => {
      const state = calls.getStore();
      if (state) state.retryAt = performance.now();
      signals.retrying(attempt, delay);
    }),
    policy.onGiveUp(() => end(calls.getStore()?.signal?.aborted ? 'aborted' : 'exhausted')),
  ];
  const restoreExecute = wrapExecute(policy, signals, calls);
  let disposed = false;
  const disposer = () => {
    if (disposed) return;
    disposed = true;
    instrumented.delete(policy);
    for (const subscription of subscriptions) subscription.dispose();
    restoreExecute();
  };
  instrumented.set(policy, disposer);
  return disposer;
}
