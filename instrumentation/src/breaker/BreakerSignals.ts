/**
 * What every circuit breaker reports, whichever library implements it: the state gauge, call,
 * transition and fallback counters, and on each state change a span event on the active span
 * and one ECS log line. The library adapters (`opossum.ts`, `cockatiel.ts`) only translate
 * their events into calls on a {@link BreakerSignals}.
 */
import { trace } from '@opentelemetry/api';
import { logActions, logFields, spanAttributes, spanEvents } from '../catalogue/index.ts';
import { getRuntime, type Runtime } from '../runtime.ts';

/** The states the catalogue knows; a library's extra states map onto these. */
export const BREAKER_STATES = ['closed', 'open', 'half_open'] as const;

/** A circuit breaker state as the `state` and `to` labels spell it. */
export type BreakerState = (typeof BREAKER_STATES)[number];

/** The outcomes of one call through a breaker, as the `outcome` label spells them. */
export const BREAKER_OUTCOMES = ['success', 'failure', 'timeout', 'rejected'] as const;

/** How one call through a breaker ended; `rejected` means short-circuited without running. */
export type BreakerCallOutcome = (typeof BREAKER_OUTCOMES)[number];

/** Runs `report`; the breaker's listeners run inside the app's calls, so nothing may escape. */
function neverThrow(report: () => void): void {
  try {
    report();
  } catch {
    // A metrics or logging failure must never change what the app's call returns.
  }
}

const LOG_LEVEL: Record<BreakerState, 'info' | 'warn'> = { closed: 'info', open: 'warn', half_open: 'info' };

/**
 * The signals of one named breaker. Created when the breaker is instrumented, it publishes the
 * current state at once (1 for it, 0 for the others) and starts every counter series at 0, so
 * `rate()` and `increase()` see the first event.
 */
export class BreakerSignals {
  readonly #name: string;
  readonly #runtime: Runtime;
  #state: BreakerState;

  constructor(name: string, initial: BreakerState) {
    this.#name = name;
    this.#runtime = getRuntime();
    this.#state = initial;
    const { metrics } = this.#runtime;
    for (const outcome of BREAKER_OUTCOMES)
      metrics.counter('breakerCalls').inc({ breaker: name, outcome }, 0);
    for (const to of BREAKER_STATES) metrics.counter('breakerTransitions').inc({ breaker: name, to }, 0);
    metrics.counter('breakerFallbacks').inc({ breaker: name }, 0);
    this.#publishState();
  }

  /** The state last reported. */
  get state(): BreakerState {
    return this.#state;
  }

  /** Counts one call with its outcome. */
  call(outcome: BreakerCallOutcome): void {
    neverThrow(() => this.#runtime.metrics.counter('breakerCalls').inc({ breaker: this.#name, outcome }));
  }

  /** Counts one call answered by the breaker's fallback. */
  fallback(): void {
    neverThrow(() => this.#runtime.metrics.counter('breakerFallbacks').inc({ breaker: this.#name }));
  }

  /**
   * Records a move to `to`. A report of the state the breaker is already in is ignored, so a
   * library that announces a state twice (or two of its states that map to one of ours) still
   * counts each transition exactly once.
   */
  transition(to: BreakerState): void {
    const from = this.#state;
    if (to === from) return;
    this.#state = to;
    neverThrow(() => {
      this.#runtime.metrics.counter('breakerTransitions').inc({ breaker: this.#name, to });
      this.#publishState();
      this.#announce(from, to);
    });
  }

  #publishState(): void {
    const gauge = this.#runtime.metrics.gauge('breakerState');
    for (const state of BREAKER_STATES)
      gauge.set({ breaker: this.#name, state }, state === this.#state ? 1 : 0);
  }

  #announce(from: BreakerState, to: BreakerState): void {
    // A transition fired from a timer (opossum's half-open) can carry the context of a call
    // whose span has ended; an ended span no longer records, so it gets no event.
    const span = trace.getActiveSpan();
    if (span?.isRecording()) {
      span.addEvent(spanEvents.breakerStateChange, {
        [spanAttributes.breakerName]: this.#name,
        [spanAttributes.breakerState]: to,
        [spanAttributes.breakerPreviousState]: from,
      });
    }
    this.#runtime.log.log(LOG_LEVEL[to], `Circuit breaker ${this.#name} changed from ${from} to ${to}`, {
      [logFields.eventAction]: logActions.breakerStateChange,
      [logFields.breakerName]: this.#name,
      [logFields.breakerState]: to,
      [logFields.breakerPreviousState]: from,
    });
  }
}
