/**
 * Queries of the Queues dashboard: depth (ready, unacknowledged) and consumers as the broker
 * reports them, consumer lag percentiles, flow in and out, processing outcomes and dead letters.
 */
import { metrics } from '../catalogue.ts';
import { monitoring } from '../config.ts';
import {
  byVariable,
  eq,
  maxBy,
  orZero,
  parseMatchers,
  quantile,
  rate,
  series,
  sumBy,
  type Matcher,
} from '../promql.ts';
import { legendOf, query, type PanelQueries } from './query.ts';

const QUEUE = 'messaging_destination_name';
const queues: readonly Matcher[] = [byVariable(QUEUE, 'queue')];
const processed = (matchers: readonly Matcher[]): string =>
  rate(series(metrics.messagingProcessDuration, [...queues, ...matchers], 'count'));

/** Targets per panel of the Queues dashboard. */
export const queuesQueries = {
  // The broker's view: several services may report the same queue, so take the max, not the sum.
  depth: [
    query(maxBy([QUEUE, 'state'], series(metrics.messagingQueueDepth, queues)), legendOf(QUEUE, 'state')),
  ],
  consumers: [query(maxBy([QUEUE], series(metrics.messagingQueueConsumers, queues)), legendOf(QUEUE))],
  consumerLag: [0.5, 0.95, 0.99].map((q) =>
    query(quantile(q, metrics.messagingLag, queues, [QUEUE]), `p${q * 100} {{${QUEUE}}}`),
  ),
  flow: [
    query(sumBy([QUEUE], rate(series(metrics.messagingSent, queues))), `published {{${QUEUE}}}`),
    query(sumBy([QUEUE], rate(series(metrics.messagingConsumed, queues))), `consumed {{${QUEUE}}}`),
  ],
  outcomes: [query(sumBy([QUEUE, 'outcome'], processed([])), legendOf(QUEUE, 'outcome'))],
  processingLatency: [
    query(
      quantile(0.95, metrics.messagingProcessDuration, queues, [QUEUE, 'outcome']),
      `p95 ${legendOf(QUEUE, 'outcome')}`,
    ),
  ],
  deadLettered: [
    query(
      orZero(sumBy([QUEUE], processed([eq('outcome', 'dead_letter')])), sumBy([QUEUE], processed([]))),
      `dead-lettered from {{${QUEUE}}}`,
    ),
  ],
  deadLetterDepth: [
    query(
      sumBy(
        [QUEUE],
        maxBy(
          [QUEUE, 'state'],
          series(metrics.messagingQueueDepth, parseMatchers(monitoring.selectors.deadLetterQueues)),
        ),
      ),
      `{{${QUEUE}}}`,
    ),
  ],
} satisfies Record<string, PanelQueries>;
