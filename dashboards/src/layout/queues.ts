/**
 * Queues: how much waits in each queue and who consumes it (as the broker reports), how long
 * messages wait before processing, how processing ends, and what lands in dead-letter queues;
 * for Kafka, how far each consumer group is behind, how old that backlog is, and its members.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { metrics } from '../catalogue.ts';
import type { DashboardsConfig } from '../config.ts';
import { series } from '../promql.ts';
import { queuesQueries as q, queueVariableSource } from '../queries/queues.ts';
import { baseDashboard } from './base.ts';
import { row, timeSeriesPanel } from './panels.ts';
import { labelVariable } from './variables.ts';

/** The Queues dashboard. */
export function queuesDashboard(config: DashboardsConfig): dashboard.Dashboard {
  return baseDashboard(
    'queues',
    'Faultline / Queues',
    'Message queues: depth, consumers, lag, outcomes and dead letters.',
  )
    .withVariable(labelVariable('queue', 'Queue', queueVariableSource.selector, queueVariableSource.label))
    .withVariable(labelVariable('group', 'Kafka group', series(metrics.kafkaConsumerGroupLag), 'group'))
    .withRow(row('Broker'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Queue depth',
        description:
          'Messages in each queue as the broker reports them (its own endpoint, which outlives the consumers): ready for delivery, and delivered but not yet acknowledged.',
        queries: q.depth,
        unit: 'short',
        stack: true,
        runbooks: ['QueueStalled'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Consumers',
        description:
          'Consumers attached to each queue, as the broker reports them: still reported when every consumer is dead. Zero with messages waiting means nothing will process them.',
        queries: q.consumers,
        unit: 'short',
        min: 0,
        runbooks: ['QueueNoConsumers'],
      }),
    )
    .withRow(row('Consumers'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Consumer lag percentiles',
        description: 'p50, p95 and p99 of the time from publish to the start of processing.',
        queries: q.consumerLag,
        unit: 's',
        min: 0,
        runbooks: ['QueueConsumerLagHigh'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Published and consumed',
        description:
          'Messages published to and delivered from each queue per second. A lasting gap is a backlog.',
        queries: q.flow,
        unit: 'short',
        min: 0,
        runbooks: ['QueueStalled'],
      }),
    )
    .withRow(row('Outcomes and dead letters'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Processing outcomes',
        description:
          'Messages processed per second, by how processing ended: ack, requeue, dead_letter, reject.',
        queries: q.outcomes,
        unit: 'short',
        stack: true,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'p95 processing duration',
        description: '95th percentile of processing time per queue and outcome.',
        queries: q.processingLatency,
        unit: 's',
        min: 0,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Dead-lettered',
        description: 'Messages sent to the dead-letter queue per second, by the queue they came from.',
        queries: q.deadLettered,
        unit: 'short',
        min: 0,
        runbooks: ['DeadLetterQueueGrowing'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Dead-letter queue depth',
        description: 'Messages waiting in each dead-letter queue (`*.dlq`) for someone to look at them.',
        queries: q.deadLetterDepth,
        unit: 'short',
        min: 0,
        runbooks: ['DeadLetterQueueGrowing'],
      }),
    )
    .withRow(row('Kafka consumer groups'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Kafka consumer-group lag',
        description:
          "Records each consumer group has not consumed per topic (high watermark minus committed offset), read from the brokers: reported even when the group's consumers are gone.",
        queries: q.kafkaLag,
        unit: 'short',
        min: 0,
        runbooks: ['KafkaConsumerGroupStalled', 'KafkaConsumerGroupNoMembers'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Kafka oldest unconsumed record',
        description: 'Estimated age of the oldest record each group has not consumed, per topic.',
        queries: q.kafkaLagAge,
        unit: 's',
        min: 0,
        runbooks: ['KafkaConsumerGroupLagHigh'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Kafka group members and rebalances',
        description:
          'Members of each group as the coordinator reports them, and how many times its consumers rejoined it (each rebalance stops processing).',
        queries: q.kafkaMembers,
        unit: 'short',
        min: 0,
        runbooks: ['KafkaConsumerGroupNoMembers', 'KafkaRebalanceStorm'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Kafka records committed',
        description:
          'How far each group moved its committed offsets per interval, per topic. Flat while the lag grows is a stalled group.',
        queries: q.kafkaCommitted,
        unit: 'short',
        min: 0,
        runbooks: ['KafkaConsumerGroupStalled'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Kafka rebalance duration',
        description:
          '95th percentile of the time consumers spent joining their group; processing waits meanwhile.',
        queries: q.kafkaRebalanceDuration,
        unit: 's',
        min: 0,
        runbooks: ['KafkaRebalanceStorm'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Kafka monitor failures and unreadable trace context',
        description:
          'Failed consumer-group samples per second by reason (its lag series are cleared meanwhile), and records whose traceparent header could not be read.',
        queries: q.kafkaErrors,
        unit: 'short',
        min: 0,
      }),
    )
    .build();
}
