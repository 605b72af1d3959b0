/**
 * Queries of the Fault tolerance dashboard: circuit breakers (state, calls by outcome,
 * rejections, fallbacks, transitions) and retries (attempts by outcome, backoff delays).
 */
import { SERVICE_LABEL, metrics } from '../catalogue.ts';
import {
  byVariable,
  eq,
  increase,
  maxBy,
  orZero,
  quantile,
  rate,
  series,
  serviceMatcher,
  sumBy,
  type Matcher,
} from '../promql.ts';
import { legendOf, query, type PanelQueries } from './query.ts';

const BREAKER = 'breaker';
const OPERATION = 'operation';
const breakers: readonly Matcher[] = [serviceMatcher, byVariable(BREAKER, 'breaker')];
const operations: readonly Matcher[] = [serviceMatcher, byVariable(OPERATION, 'operation')];
const perBreaker = [SERVICE_LABEL, BREAKER];
const perOperation = [SERVICE_LABEL, OPERATION];

/**
 * The state of each breaker as one number, for a state timeline: 0 closed, 1 half-open,
 * 2 open. The gauge is 1 on the current state's series; a state series that was never set
 * simply drops out of the `or`.
 */
export const BREAKER_STATE_CODES = { closed: 0, half_open: 1, open: 2 } as const;

function stateCode(state: keyof typeof BREAKER_STATE_CODES): string {
  return `${series(metrics.breakerState, [...breakers, eq('state', state)])} * ${BREAKER_STATE_CODES[state]}`;
}

const calls = (matchers: readonly Matcher[] = []): string =>
  rate(series(metrics.breakerCalls, [...breakers, ...matchers]));

/** Targets per panel of the Fault tolerance dashboard. */
export const faultToleranceQueries = {
  breakerState: [
    query(
      maxBy(
        [SERVICE_LABEL, 'instance', BREAKER],
        [stateCode('open'), stateCode('half_open'), stateCode('closed')].join(' or '),
      ),
      `${legendOf(SERVICE_LABEL, BREAKER)} ({{instance}})`,
    ),
  ],
  breakerCalls: [
    query(sumBy([...perBreaker, 'outcome'], calls()), legendOf(SERVICE_LABEL, BREAKER, 'outcome')),
  ],
  rejectedAndFallbacks: [
    query(
      orZero(sumBy(perBreaker, calls([eq('outcome', 'rejected')])), sumBy(perBreaker, calls())),
      `rejected ${legendOf(SERVICE_LABEL, BREAKER)}`,
    ),
    query(
      orZero(sumBy(perBreaker, rate(series(metrics.breakerFallbacks, breakers))), sumBy(perBreaker, calls())),
      `fallback ${legendOf(SERVICE_LABEL, BREAKER)}`,
    ),
  ],
  // A counter that exists once the breaker first changed state; no fallback, so a missing
  // series shows as missing rather than as a reassuring zero.
  breakerTransitions: [
    query(
      sumBy([...perBreaker, 'to'], increase(series(metrics.breakerTransitions, breakers))),
      `→ {{to}} ${legendOf(SERVICE_LABEL, BREAKER)}`,
    ),
  ],
  retryAttempts: [
    query(
      sumBy([...perOperation, 'outcome'], rate(series(metrics.retryAttempts, operations))),
      legendOf(SERVICE_LABEL, OPERATION, 'outcome'),
    ),
  ],
  backoffPercentiles: [0.5, 0.95, 0.99].map((q) =>
    query(
      quantile(q, metrics.retryBackoff, operations, perOperation),
      `p${q * 100} ${legendOf(SERVICE_LABEL, OPERATION)}`,
    ),
  ),
  backoffTime: [
    query(
      sumBy(perOperation, rate(series(metrics.retryBackoff, operations, 'sum'))),
      legendOf(SERVICE_LABEL, OPERATION),
    ),
  ],
} satisfies Record<string, PanelQueries>;
