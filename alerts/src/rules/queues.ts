/**
 * Alerts about message queues, over the depth and consumer count the broker reports and the
 * deliveries and lag the consumers measure. Dead-letter queues are left out of the work-queue
 * alerts: nobody consumes them by design.
 */
import { metrics } from '@faultline/instrumentation';
import { groupBy, num, selector } from '../promql.ts';
import type { AlertsConfig } from '../config.ts';
import type { AlertRule, Component } from './types.ts';

const QUEUE_LABELS = ['messaging_system', 'messaging_destination_name'];

/** `(messaging_system, messaging_destination_name, <grouping labels>)`. */
function queueBy(config: AlertsConfig): string {
  return groupBy(QUEUE_LABELS, config.groupingLabels);
}

/** Sub-expressions shared by the work-queue alerts, one series per queue. */
function workQueue(config: AlertsConfig) {
  const { selectors, thresholds, groupingLabels } = config;
  const queue = [selectors.services, selectors.workQueues];
  const QUEUE = queueBy(config);
  return {
    on: `on ${QUEUE}`,
    ready: `max by ${QUEUE} (${selector(metrics.messagingQueueDepth.name, ...queue, 'state="ready"')})`,
    consumers: `max by ${QUEUE} (${selector(metrics.messagingQueueConsumers.name, ...queue)})`,
    consumed: `sum by ${QUEUE} (rate(${selector(metrics.messagingConsumed.name, ...queue)}[${thresholds.queueRateWindow}]))`,
    lag: `histogram_quantile(${num(thresholds.queueLagQuantile)}, sum by ${groupBy(['le', 'service', ...QUEUE_LABELS], groupingLabels)} (rate(${selector(`${metrics.messagingLag.name}_bucket`, ...queue)}[${thresholds.queueRateWindow}])))`,
  };
}

function queueStalled(config: AlertsConfig): AlertRule {
  const q = workQueue(config);
  return {
    alert: 'QueueStalled',
    // `unless` rather than `rate == 0`: a queue whose consumers never received anything has no
    // delivery counter at all, and is just as stalled.
    expr: `(${q.ready} > 0)\nand ${q.on}\n(${q.consumers} > 0)\nunless ${q.on}\n(${q.consumed} > 0)`,
    for: config.thresholds.queueStalledFor,
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Queue {{ $labels.messaging_destination_name }} is stalled.',
      description: `{{ $value | humanize }} messages are ready in {{ $labels.messaging_destination_name }} and consumers are attached, but none was delivered for ${config.thresholds.queueStalledFor}: the consumers are stuck.`,
    },
  };
}

function queueNoConsumers(config: AlertsConfig): AlertRule {
  const q = workQueue(config);
  return {
    alert: 'QueueNoConsumers',
    expr: `(${q.ready} > 0)\nunless ${q.on}\n(${q.consumers} > 0)`,
    for: config.thresholds.queueNoConsumersFor,
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Queue {{ $labels.messaging_destination_name }} has no consumers.',
      description: `{{ $value | humanize }} messages are ready in {{ $labels.messaging_destination_name }} and no consumer has been attached for ${config.thresholds.queueNoConsumersFor}: nothing will process them.`,
    },
  };
}

function queueConsumerLagHigh(config: AlertsConfig): AlertRule {
  const { thresholds } = config;
  return {
    alert: 'QueueConsumerLagHigh',
    expr: `${workQueue(config).lag} > ${num(thresholds.queueLagSeconds)}`,
    for: thresholds.queueLagFor,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Messages wait too long in {{ $labels.messaging_destination_name }}.',
      description: `The p${num(thresholds.queueLagQuantile * 100)} time from publish to processing of messages {{ $labels.service }} consumes from {{ $labels.messaging_destination_name }} is {{ $value | humanizeDuration }} (threshold ${num(thresholds.queueLagSeconds)}s) over ${thresholds.queueRateWindow}: consumers fall behind the producers.`,
    },
  };
}

/** Dead-lettering seen by the consumer that rejected the messages: names the service. */
function deadLetteredByConsumers({ selectors, thresholds, groupingLabels }: AlertsConfig): AlertRule {
  const deadLettered = selector(
    `${metrics.messagingProcessDuration.name}_count`,
    selectors.services,
    'outcome="dead_letter"',
  );
  return {
    alert: 'DeadLetterQueueGrowing',
    expr: `sum by ${groupBy(['service', ...QUEUE_LABELS], groupingLabels)} (increase(${deadLettered}[${thresholds.deadLetterWindow}])) > 0`,
    labels: { severity: 'warning', source: 'consumer' },
    annotations: {
      summary:
        '{{ $labels.service }} is dead-lettering messages from {{ $labels.messaging_destination_name }}.',
      description: `{{ $labels.service }} dead-lettered {{ printf "%.0f" $value }} messages of {{ $labels.messaging_destination_name }} in the last ${thresholds.deadLetterWindow}: they failed processing for good and wait in the dead-letter queue.`,
    },
  };
}

/** Dead-lettering seen by the broker: any dead-letter queue whose depth grows. */
function deadLetterQueueDepthGrowing(config: AlertsConfig): AlertRule {
  const { selectors, thresholds } = config;
  const depth = selector(
    metrics.messagingQueueDepth.name,
    selectors.services,
    selectors.deadLetterQueues,
    'state="ready"',
  );
  return {
    alert: 'DeadLetterQueueGrowing',
    expr: `max by ${queueBy(config)} (delta(${depth}[${thresholds.deadLetterWindow}])) > 0`,
    labels: { severity: 'warning', source: 'broker' },
    annotations: {
      summary: 'Dead-letter queue {{ $labels.messaging_destination_name }} is growing.',
      description: `Dead-letter queue {{ $labels.messaging_destination_name }} grew by {{ printf "%.0f" $value }} messages in the last ${thresholds.deadLetterWindow}: messages are failing processing for good.`,
    },
  };
}

/** `QueueStalled`, `QueueNoConsumers` (page), `QueueConsumerLagHigh`, `DeadLetterQueueGrowing`. */
export const queues: Component = {
  name: 'queues',
  dashboard: 'queues',
  groups: (config) => [
    {
      name: 'faultline-queues',
      rules: [
        queueStalled(config),
        queueNoConsumers(config),
        queueConsumerLagHigh(config),
        deadLetteredByConsumers(config),
        deadLetterQueueDepthGrowing(config),
      ],
    },
  ],
};
