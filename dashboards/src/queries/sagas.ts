/**
 * Queries of the Sagas row (Fault tolerance dashboard): sagas started and how they ended, and
 * the ones stuck. Every orchestrator instance reports the same database-wide stuck count, so it
 * is read with `max`; the counters add up across instances.
 */
import { metrics } from '../catalogue.ts';
import { increase, maxBy, series, sumBy } from '../promql.ts';
import { query, type PanelQueries } from './query.ts';

const SAGA = 'saga';

const flow = (def: (typeof metrics)['sagaStarted'], what: string) =>
  query(sumBy([SAGA], increase(series(def))), `${what} {{${SAGA}}}`);

/** The Sagas row's queries, per panel. */
export const sagaQueries = {
  // 0 until an orchestrator runs: a missing series would look like "no data", not "none stuck".
  stuck: [query(`${maxBy([], series(metrics.sagaStuck))} or vector(0)`, 'stuck sagas')],
  flow: [
    flow(metrics.sagaStarted, 'started'),
    flow(metrics.sagaCompleted, 'completed'),
    flow(metrics.sagaCompensated, 'compensated'),
    flow(metrics.sagaAborted, 'aborted'),
  ],
} satisfies Record<string, PanelQueries>;
