/**
 * Alerts about message queues. Depth and consumer counts come from the broker's own endpoint
 * (`queueMetrics` in the config), which outlives every consumer: a queue whose consumers are all
 * dead still reports its backlog and zero consumers. Deliveries, lag and dead-lettering come
 * from the consumers' own metrics. Dead-letter and retry queues are left out of the work-queue
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

/**
 * A queue selector of the config (written for `messaging_destination_name`, as the consumers'
 * metrics name the queue) rewritten for the broker's queue label.
 */
export function onBrokerLabel(matchers: string, queueLabel: string): string {
  return matchers.replace(/(^|,)(\s*)messaging_destination_name(?=\s*(=~|!~|!=|=))/g, `$1$2${queueLabel}`);
}

/** `text` as a regular expression matching exactly it, written for a PromQL string. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&');
}

/**
 * `expr` with the `service` label of the queue's owner (`queueMetrics.owners`): the broker's
 * series name no service, and without one PagerDuty's component is empty and neither grouping
 * nor inhibition can tell whose queue it is. A dead-letter queue belongs to its work queue's
 * owner. Queues no owner matches are left as they are.
 */
export function withQueueOwner(expr: string, { queueMetrics }: AlertsConfig): string {
  const suffix = literal(queueMetrics.deadLetterSuffix);
  return queueMetrics.owners.reduce(
    (inner, owner) =>
      `label_replace(${inner}, "service", "${owner.service}", "messaging_destination_name", "(?:${owner.queue})(?:${suffix})?")`,
    expr,
  );
}

/**
 * A broker series per queue, labelled as the consumers' metrics are (`messaging_system`,
 * `messaging_destination_name`, and the owner's `service`), so the two sides join and routing
 * and inhibition see the same labels. `queues` are matchers written for
 * `messaging_destination_name`; `over` wraps the selected series (e.g. in a `delta`). The
 * dashboards read the broker's queues through it too.
 */
export function brokerQueueSeries(
  config: AlertsConfig,
  metric: string,
  queues: string,
  over: (series: string) => string = (series) => series,
): string {
  const q = config.queueMetrics;
  const raw = over(selector(metric, q.selector, onBrokerLabel(queues, q.queueLabel)));
  const named = `label_replace(${raw}, "messaging_destination_name", "$1", "${q.queueLabel}", "(.*)")`;
  const withSystem = `label_replace(${named}, "messaging_system", "${q.system}", "", "")`;
  const byQueue = `max by ${groupBy([...QUEUE_LABELS, 'vhost'], config.groupingLabels)} (${withSystem})`;
  return withQueueOwner(byQueue, config);
}

/** Sub-expressions shared by the work-queue alerts, one series per queue. */
function workQueue(config: AlertsConfig) {
  const { selectors, thresholds, groupingLabels, queueMetrics } = config;
  const queue = [selectors.services, selectors.workQueues];
  return {
    on: `on ${queueBy(config)}`,
    ready: brokerQueueSeries(config, queueMetrics.ready, selectors.workQueues),
    consumers: brokerQueueSeries(config, queueMetrics.consumers, selectors.workQueues),
    consumed: `sum by ${queueBy(config)} (rate(${selector(metrics.messagingConsumed.name, ...queue)}[${thresholds.queueRateWindow}]))`,
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
function deadLetteredByConsumers(config: AlertsConfig): AlertRule {
  const { thresholds } = config;
  return {
    alert: 'DeadLetterQueueGrowing',
    expr: `${consumerDeadLetters(config)} > 0`,
    labels: { severity: 'warning', source: 'consumer' },
    annotations: {
      summary:
        '{{ $labels.service }} is dead-lettering messages from {{ $labels.messaging_destination_name }}.',
      description: `{{ $labels.service }} dead-lettered {{ printf "%.0f" $value }} messages of {{ $labels.messaging_destination_name }} in the last ${thresholds.deadLetterWindow}: they failed processing for good and wait in the dead-letter queue.`,
    },
  };
}

/** Messages a consumer dead-lettered from each work queue over the window. */
function consumerDeadLetters({ selectors, thresholds, groupingLabels }: AlertsConfig): string {
  const deadLettered = selector(
    `${metrics.messagingProcessDuration.name}_count`,
    selectors.services,
    'outcome="dead_letter"',
  );
  return `sum by ${groupBy(['service', ...QUEUE_LABELS], groupingLabels)} (increase(${deadLettered}[${thresholds.deadLetterWindow}]))`;
}

/**
 * Dead-lettering seen by the broker: a dead-letter queue whose depth grows, unless a consumer's
 * own metrics already explain it (then the consumer-side alert, which names the service, is the
 * one alert for it: one poison message does not raise two).
 */
function deadLetterQueueDepthGrowing(config: AlertsConfig): AlertRule {
  const { selectors, thresholds, queueMetrics } = config;
  const growth = brokerQueueSeries(
    config,
    queueMetrics.ready,
    selectors.deadLetterQueues,
    (series) => `delta(${series}[${thresholds.deadLetterWindow}])`,
  );
  const explained = `label_replace(${consumerDeadLetters(config)} > 0, "messaging_destination_name", "$1${queueMetrics.deadLetterSuffix}", "messaging_destination_name", "(.+)")`;
  return {
    alert: 'DeadLetterQueueGrowing',
    expr: `${growth} > 0\nunless on (messaging_destination_name)\n${explained}`,
    labels: { severity: 'warning', source: 'broker' },
    annotations: {
      summary: 'Dead-letter queue {{ $labels.messaging_destination_name }} is growing.',
      description: `Dead-letter queue {{ $labels.messaging_destination_name }} grew by {{ printf "%.0f" $value }} messages in the last ${thresholds.deadLetterWindow} and no consumer reported dead-lettering them: messages are failing for good (rejected by an uninstrumented consumer, expired, or over the queue's length limit).`,
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
