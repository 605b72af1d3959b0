/**
 * Alerts about Kafka consumer groups, over what `monitorConsumerGroups` reads from the brokers
 * (lag, committed offsets, members: reported even when every consumer of a group is gone) and
 * the rebalances the consumers count. Thresholds live in this file for now: the shared config
 * point (`config.ts`) is being reworked, and they move there with it.
 */
import { metrics } from '@faultline/instrumentation';
import { groupBy, num, selector } from '../promql.ts';
import type { AlertsConfig, Duration } from '../config.ts';
import type { AlertRule, Component } from './types.ts';

/** The Kafka alerts' thresholds and windows. */
export interface KafkaThresholds {
  /** Age of the oldest unconsumed record above which a group is behind. */
  readonly lagSeconds: number;
  readonly lagFor: Duration;
  /** Window over which lag must grow with no offset committed for a group to be stalled. */
  readonly stalledWindow: Duration;
  readonly stalledFor: Duration;
  readonly noMembersFor: Duration;
  readonly rebalanceWindow: Duration;
  /** Rebalances one consumer may take part in within the window before it is a storm. */
  readonly rebalances: number;
  readonly rebalanceStormFor: Duration;
}

/** Defaults: behind when records wait 2 minutes; stalled after 10 minutes of growth without commit. */
export const kafkaThresholds: KafkaThresholds = {
  lagSeconds: 120,
  lagFor: '5m',
  stalledWindow: '10m',
  stalledFor: '5m',
  noMembersFor: '5m',
  rebalanceWindow: '15m',
  rebalances: 5,
  rebalanceStormFor: '5m',
};

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

function lagHigh(config: AlertsConfig, t: KafkaThresholds): AlertRule {
  return {
    alert: 'KafkaConsumerGroupLagHigh',
    // max: several service instances may run a monitor of the same group.
    expr: `max by ${lists(config).groupTopic} (${series(config).lagSeconds}) > ${num(t.lagSeconds)}`,
    for: t.lagFor,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} is behind on {{ $labels.topic }}.',
      description: `The oldest record consumer group {{ $labels.group }} has not consumed from {{ $labels.topic }} is about {{ $value | humanizeDuration }} old (threshold ${num(t.lagSeconds)}s) for ${t.lagFor}: its consumers fall behind the producers.`,
    },
  };
}

function stalled(config: AlertsConfig, t: KafkaThresholds): AlertRule {
  const s = series(config);
  const { groupTopic, group } = lists(config);
  const window = t.stalledWindow;
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
    for: t.stalledFor,
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} is stalled on {{ $labels.topic }}.',
      description: `{{ $value | humanize }} records of {{ $labels.topic }} wait for consumer group {{ $labels.group }}, whose lag grew over ${window} while its members committed no offset: its consumers are stuck.`,
    },
  };
}

function noMembers(config: AlertsConfig, t: KafkaThresholds): AlertRule {
  const s = series(config);
  const { groupTopic, group } = lists(config);
  return {
    alert: 'KafkaConsumerGroupNoMembers',
    expr: `(max by ${groupTopic} (${s.lag}) > 0)\nand on ${group}\n(max by ${group} (${s.members}) == 0)`,
    for: t.noMembersFor,
    labels: { severity: 'critical' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} has no members.',
      description: `{{ $value | humanize }} records of {{ $labels.topic }} wait for consumer group {{ $labels.group }}, which has had no member for ${t.noMembersFor}: nothing will process them.`,
    },
  };
}

function rebalanceStorm(config: AlertsConfig, t: KafkaThresholds): AlertRule {
  const window = t.rebalanceWindow;
  return {
    alert: 'KafkaRebalanceStorm',
    // Per consumer (each member counts the rebalances it takes part in), the busiest one.
    expr: `max by ${lists(config).group} (increase(${series(config).rebalances}[${window}])) > ${num(t.rebalances)}`,
    for: t.rebalanceStormFor,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Consumer group {{ $labels.group }} keeps rebalancing.',
      description: `A consumer of group {{ $labels.group }} rejoined it {{ printf "%.0f" $value }} times in ${window} (threshold ${num(t.rebalances)}): members come and go (crashes, restarts, processing beyond max.poll/session timeouts) and processing stops at every rebalance.`,
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
        stalled(config, kafkaThresholds),
        noMembers(config, kafkaThresholds),
        lagHigh(config, kafkaThresholds),
        rebalanceStorm(config, kafkaThresholds),
      ],
    },
  ],
};
