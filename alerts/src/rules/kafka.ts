/**
 * Alerts about Kafka consumer groups, over what `monitorConsumerGroups` reads from the brokers
 * (lag, committed offsets, members: reported even when every consumer of a group is gone) and
 * the rebalances the consumers count. Thresholds and windows come from the config point
 * (`config.ts`, `thresholds.kafka*`).
 */
import { metrics } from '@faultline/instrumentation';
import { groupBy, num, selector } from '../promql.ts';
import type { AlertsConfig, Thresholds } from '../config.ts';
import type { AlertRule, Component } from './types.ts';

/** `(group, topic, ...grouping)` and `(group, ...grouping)`: the configured grouping labels kept. */
function lists(config: AlertsConfig): { groupTopic: string; group: string } {
  return {
    groupTopic: groupBy(['group', 'topic'], config.groupingLabels),
    group: groupBy(['group'], config.groupingLabels),
  };
}

function series(config: AlertsConfig) {
  const of = (name: string) => selector(name, config.selectors.services);
  return {
    lag: of(metrics.kafkaConsumerGroupLag.name),
    lagSeconds: of(metrics.kafkaConsumerGroupLagSeconds.name),
    offset: of(metrics.kafkaConsumerGroupOffset.name),
    members: of(metrics.kafkaConsumerGroupMembers.name),
    rebalances: of(metrics.kafkaRebalances.name),
  };
}

function lagHigh(config: AlertsConfig, t: Thresholds): AlertRule {
  return {
    alert: 'KafkaConsumerGroupLagHigh',
    // max: several service instances may run a monitor of the same group.
    expr: `max by ${lists(config).groupTopic} (${series(config).lagSeconds}) > ${num(t.kafkaLagSeconds)}`,
    for: t.kafkaLagFor,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} is behind on {{ $labels.topic }}.',
      description: `The oldest record consumer group {{ $labels.group }} has not consumed from {{ $labels.topic }} is about {{ $value | humanizeDuration }} old (threshold ${num(t.kafkaLagSeconds)}s) for ${t.kafkaLagFor}: its consumers fall behind the producers.`,
    },
  };
}

function stalled(config: AlertsConfig, t: Thresholds): AlertRule {
  const s = series(config);
  const { groupTopic, group } = lists(config);
  const window = t.kafkaStalledWindow;
  return {
    alert: 'KafkaConsumerGroupStalled',
    // `unless` rather than `changes == 0`: a group that never committed has no offset series and
    // is just as stalled. Groups with no members are KafkaConsumerGroupNoMembers' page.
    expr: [
      `(max by ${groupTopic} (${s.lag}) > 0)`,
      `and on ${groupTopic}`,
      `(max by ${groupTopic} (delta(${s.lag}[${window}])) > 0)`,
      `unless on ${groupTopic}`,
      `(max by ${groupTopic} (changes(${s.offset}[${window}])) > 0)`,
      `and on ${group}`,
      `(max by ${group} (${s.members}) > 0)`,
    ].join('\n'),
    for: t.kafkaStalledFor,
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} is stalled on {{ $labels.topic }}.',
      description: `{{ $value | humanize }} records of {{ $labels.topic }} wait for consumer group {{ $labels.group }}, whose lag grew over ${window} while its members committed no offset: its consumers are stuck.`,
    },
  };
}

function noMembers(config: AlertsConfig, t: Thresholds): AlertRule {
  const s = series(config);
  const { groupTopic, group } = lists(config);
  return {
    alert: 'KafkaConsumerGroupNoMembers',
    expr: `(max by ${groupTopic} (${s.lag}) > 0)\nand on ${group}\n(max by ${group} (${s.members}) == 0)`,
    for: t.kafkaNoMembersFor,
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} has no members.',
      description: `{{ $value | humanize }} records of {{ $labels.topic }} wait for consumer group {{ $labels.group }}, which has had no member for ${t.kafkaNoMembersFor}: nothing will process them.`,
    },
  };
}

function rebalanceStorm(config: AlertsConfig, t: Thresholds): AlertRule {
  const window = t.kafkaRebalanceWindow;
  return {
    alert: 'KafkaRebalanceStorm',
    // Per consumer (each member counts the rebalances it takes part in), the busiest one.
    expr: `max by ${lists(config).group} (increase(${series(config).rebalances}[${window}])) > ${num(t.kafkaRebalances)}`,
    for: t.kafkaRebalanceStormFor,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} keeps rebalancing.',
      description: `A consumer of group {{ $labels.group }} rejoined it {{ printf "%.0f" $value }} times in ${window} (threshold ${num(t.kafkaRebalances)}): members come and go (crashes, restarts, processing beyond max.poll/session timeouts) and processing stops at every rebalance.`,
    },
  };
}

/** `KafkaConsumerGroupStalled`, `KafkaConsumerGroupNoMembers` (page), `KafkaConsumerGroupLagHigh`, `KafkaRebalanceStorm`. */
export const kafka: Component = {
  name: 'kafka',
  dashboard: 'queues',
  groups: (config) => [
    {
      name: 'faultline-kafka',
      rules: [
        stalled(config, config.thresholds),
        noMembers(config, config.thresholds),
        lagHigh(config, config.thresholds),
        rebalanceStorm(config, config.thresholds),
      ],
    },
  ],
};
