/**
 * Alerts about the replicated orders database, over what the failover supervisor samples from
 * the primary's pg_stat_replication and counts when it promotes (demo-services/failover).
 */
import { metrics } from '@faultline/instrumentation';
import { groupBy, num, selector } from '../promql.ts';
import type { AlertsConfig } from '../config.ts';
import type { AlertRule, Component } from './types.ts';

function replicationLagHigh({ selectors, thresholds, groupingLabels }: AlertsConfig): AlertRule {
  const lag = selector(metrics.dbReplicationLagSeconds.name, selectors.services);
  return {
    alert: 'DatabaseReplicationLagHigh',
    expr: `max by ${groupBy(['replica'], groupingLabels)} (${lag}) > ${num(thresholds.replicationLagSeconds)}`,
    for: thresholds.replicationLagFor,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Replica {{ $labels.replica }} lags behind the primary.',
      description: `Replica {{ $labels.replica }} replays WAL {{ $value | humanizeDuration }} behind the primary (threshold ${num(thresholds.replicationLagSeconds)}s) for ${thresholds.replicationLagFor}: a failover now would wait for it to catch up, and reads from it are stale.`,
    },
  };
}

function replicaDown({ selectors, thresholds, groupingLabels }: AlertsConfig): AlertRule {
  const replicas = selector(metrics.dbReplicas.name, selectors.services);
  return {
    alert: 'DatabaseReplicaDown',
    expr: `max by ${groupBy([], groupingLabels)} (${replicas}) < 1`,
    for: thresholds.replicaDownFor,
    labels: { severity: 'critical' },
    annotations: {
      summary: 'The orders database has no streaming replica.',
      description: `{{ $value | humanize }} replicas have streamed from the primary for ${thresholds.replicaDownFor}: with synchronous replication, commits (new orders) wait for a replica; and there is nothing to fail over to.`,
    },
  };
}

function failover({ selectors, thresholds, groupingLabels }: AlertsConfig): AlertRule {
  const promotions = selector(metrics.dbPromotions.name, selectors.services);
  return {
    alert: 'DatabaseFailover',
    expr: `sum by ${groupBy([], groupingLabels)} (increase(${promotions}[${thresholds.failoverWindow}])) > 0`,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'The orders database failed over to its replica.',
      description: `The failover supervisor promoted {{ $value | humanize }} replica(s) in the last ${thresholds.failoverWindow}: the old primary must be rebuilt as a replica before the next failure can be survived.`,
    },
  };
}

/** `DatabaseReplicaDown` (page), `DatabaseReplicationLagHigh`, `DatabaseFailover`. */
export const database: Component = {
  name: 'database',
  dashboard: 'serviceOverview',
  groups: (config) => [
    {
      name: 'faultline-database',
      rules: [replicaDown(config), replicationLagHigh(config), failover(config)],
    },
  ],
};
