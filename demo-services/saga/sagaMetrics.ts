/**
 * The saga signals (names from the catalogue) on the service's Faultline registry: sagas
 * started, completed, compensated and aborted, and a gauge of the ones stuck, sampled from the
 * `sagas` table (every instance reports the same, database-wide count).
 */
import { getMetricsRegistry } from '@faultline/instrumentation';
import type pg from 'pg';
import { countStuck } from './sagaStore.ts';
import { ORDER_SAGA } from './sagaState.ts';

/** How a saga ended. */
export type SagaEnd = 'completed' | 'compensated' | 'aborted';

const END_METRIC = {
  completed: 'sagaCompleted',
  compensated: 'sagaCompensated',
  aborted: 'sagaAborted',
} as const;

const labels = { saga: ORDER_SAGA };

/**
 * Puts every saga counter's series at 0, so a first saga that aborts (or compensates) shows as
 * a rise, not as a series appearing at 1 that `increase()` cannot see.
 */
export function zeroSagaCounters(): void {
  const registry = getMetricsRegistry();
  for (const name of ['sagaStarted', ...Object.values(END_METRIC)] as const)
    registry.counter(name).inc(labels, 0);
}

/** Counts one saga started. */
export function sagaStarted(): void {
  getMetricsRegistry().counter('sagaStarted').inc(labels);
}

/** Counts one saga ended `how`. */
export function sagaEnded(how: SagaEnd): void {
  getMetricsRegistry().counter(END_METRIC[how]).inc(labels);
}

/** Options of {@link sampleStuckSagas}. */
export interface StuckSamplerOptions {
  readonly pool: pg.Pool;
  /** A saga under way whose last step is older than this is stuck. */
  readonly stuckAfterMs: number;
  readonly intervalMs: number;
}

/** Sets the stuck gauge now and every `intervalMs`; the returned function stops it. */
export function sampleStuckSagas({ pool, stuckAfterMs, intervalMs }: StuckSamplerOptions): () => void {
  const gauge = getMetricsRegistry().gauge('sagaStuck');
  const sample = (): void => {
    countStuck(pool, stuckAfterMs).then(
      (count) => gauge.set(labels, count),
      () => undefined, // PostgreSQL unreachable: keep the last value; the database alerts say why
    );
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
