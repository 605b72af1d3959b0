/**
 * Queries of the Queues dashboard: depth (ready, unacknowledged) and consumers as the broker's
 * own endpoint reports them (the shared config's `queueMetrics`: it outlives every consumer, so
 * a queue whose consumers are all dead still shows its backlog and zero consumers), consumer
 * lag percentiles, flow in and out, processing outcomes and dead letters; and Kafka consumer
 * groups as the brokers report them (lag, its age, members) with rebalances.
 */
import { brokerQueueSeries } from '@faultline/alerts';
import { metrics } from '../catalogue.ts';
import { monitoring } from '../config.ts';
import {
  byVariable,
  eq,
  increase,
  maxBy,
  orZero,
  parseMatchers,
  quantile,
  rate,
  selectorOf,
  series,
  sumBy,
  type Matcher,
} from '../promql.ts';
import { legendOf, query, type PanelQueries } from './query.ts';

const QUEUE = 'messaging_destination_name';
const queues: readonly Matcher[] = [byVariable(QUEUE, 'queue')];
const groups: readonly Matcher[] = [byVariable('group', 'group')];
const GROUP_TOPIC = ['group', 'topic'];
const processed = (matchers: readonly Matcher[]): string =>
  rate(series(metrics.messagingProcessDuration, [...queues, ...matchers], 'count'));

/**
 * A broker series per queue (`messaging_destination_name`, as the consumers' metrics name the
 * queue), the one the alerts read, for the queues `matchers` select.
 */
function broker(metric: string, matchers: string): string {
  return brokerQueueSeries(monitoring, metric, matchers);
}

/** The queues the `$queue` variable selects, as a matcher setting the broker series read. */
const SELECTED_QUEUES = `${QUEUE}=~"$queue"`;

/** The series the `$queue` variable lists the broker's queues from, and the label naming them. */
export const queueVariableSource = {
  selector: selectorOf(monitoring.queueMetrics.ready, parseMatchers(monitoring.queueMetrics.selector)),
  label: monitoring.queueMetrics.queueLabel,
} as const;

/** Targets per panel of the Queues dashboard. */
export const queuesQueries = {
  // The broker's own view, one series per queue whoever consumes or publishes it.
  depth: [
    query(broker(monitoring.queueMetrics.ready, SELECTED_QUEUES), `{{${QUEUE}}} ready`),
    query(broker(monitoring.queueMetrics.unacked, SELECTED_QUEUES), `{{${QUEUE}}} unacked`),
  ],
  consumers: [query(broker(monitoring.queueMetrics.consumers, SELECTED_QUEUES), legendOf(QUEUE))],
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
      sumBy([QUEUE], broker(monitoring.queueMetrics.ready, monitoring.selectors.deadLetterQueues)),
      `{{${QUEUE}}}`,
    ),
  ],
  // Several services may run a monitor of the same group: max per partition, then the sum.
  kafkaLag: [
    query(
      sumBy(GROUP_TOPIC, maxBy([...GROUP_TOPIC, 'partition'], series(metrics.kafkaConsumerGroupLag, groups))),
      'records behind {{group}} on {{topic}}',
    ),
  ],
  kafkaLagAge: [
    query(maxBy(GROUP_TOPIC, series(metrics.kafkaConsumerGroupLagSeconds, groups)), '{{group}} on {{topic}}'),
  ],
  kafkaMembers: [
    query(maxBy(['group'], series(metrics.kafkaConsumerGroupMembers, groups)), 'members of {{group}}'),
    query(
      sumBy(['group'], increase(series(metrics.kafkaRebalances, groups))),
      'rebalance joins of {{group}}',
    ),
  ],
  kafkaCommitted: [
    query(
      sumBy(
        GROUP_TOPIC,
        `delta(${maxBy([...GROUP_TOPIC, 'partition'], series(metrics.kafkaConsumerGroupOffset, groups))}[$__rate_interval:])`,
      ),
      'committed by {{group}} on {{topic}}',
    ),
  ],
  kafkaRebalanceDuration: [
    query(quantile(0.95, metrics.kafkaRebalanceDuration, groups, ['group']), 'p95 {{group}}'),
  ],
  kafkaErrors: [
    query(sumBy(['reason'], rate(series(metrics.kafkaMonitorFailures))), 'monitor: {{reason}}'),
    query(
      sumBy([QUEUE], rate(series(metrics.messagingInvalidTraceContext, [eq('messaging_system', 'kafka')]))),
      `unreadable traceparent on {{${QUEUE}}}`,
    ),
  ],
} satisfies Record<string, PanelQueries>;
