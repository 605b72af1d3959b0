/**
 * Service overview: is every service scraped, and per service and route, how many requests,
 * how many fail, how long they take (RED); then the calls services make to others, and how
 * their caches do.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { SERVICE_LABEL, metrics } from '../catalogue.ts';
import type { DashboardsConfig } from '../config.ts';
import { serviceMatcher, series } from '../promql.ts';
import { serviceOverviewQueries as q } from '../queries/serviceOverview.ts';
import { baseDashboard } from './base.ts';
import { row, statPanel, timeSeriesPanel } from './panels.ts';
import { labelVariable } from './variables.ts';

const requests = metrics.httpServerDuration;
const errorRatioSteps = [
  { value: null, color: 'green' },
  { value: 0.001, color: 'orange' },
  { value: 0.05, color: 'red' },
];

/** The Service overview dashboard. */
export function serviceOverviewDashboard(config: DashboardsConfig): dashboard.Dashboard {
  return baseDashboard(
    'serviceOverview',
    'Faultline / Service overview',
    'Rate, errors and duration of every Faultline service, per route.',
  )
    .withVariable(labelVariable('service', 'Service', series(requests, [], 'count'), SERVICE_LABEL))
    .withVariable(labelVariable('route', 'Route', series(requests, [serviceMatcher], 'count'), 'http_route'))
    .withRow(row('Overview'))
    .withPanel(
      statPanel(config, {
        title: 'Scrape targets down',
        description: 'Service instances Prometheus failed to scrape on its last attempt.',
        queries: q.targetsDown,
        unit: 'short',
        runbooks: [
          'ServiceDown',
          'Watchdog',
          'FaultlineTargetsAbsent',
          'FaultlineMetricsAbsent',
          'AlertmanagerNotificationsFailing',
          'PrometheusRuleEvaluationFailures',
        ],
        thresholds: [
          { value: null, color: 'green' },
          { value: 1, color: 'red' },
        ],
      }),
    )
    .withPanel(
      statPanel(config, {
        title: 'Requests',
        description: 'HTTP requests per second served by the selected services and routes.',
        queries: q.requestRate,
        unit: 'reqps',
      }),
    )
    .withPanel(
      statPanel(config, {
        title: '5xx ratio',
        description: 'Share of the selected requests answered with a 5xx status.',
        queries: q.errorRatio,
        unit: 'percentunit',
        thresholds: errorRatioSteps,
      }),
    )
    .withPanel(
      statPanel(config, {
        title: 'p95 duration',
        description: '95th percentile of the selected requests’ duration.',
        queries: q.latencyP95,
        unit: 's',
      }),
    )
    .withRow(row('Requests per route'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Requests by route',
        description: 'Requests per second, per service and route template.',
        queries: q.requestsByRoute,
        unit: 'reqps',
        min: 0,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: '5xx ratio by route',
        description: 'Share of requests answered with a 5xx status, per service and route.',
        queries: q.errorRatioByRoute,
        unit: 'percentunit',
        min: 0,
        thresholds: errorRatioSteps,
        runbooks: ['ErrorBudgetBurnFast', 'ErrorBudgetBurnSlow'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'p95 duration by route',
        description: '95th percentile of request duration, per service and route.',
        queries: q.latencyByRoute,
        unit: 's',
        min: 0,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Duration percentiles by service',
        description: 'p50, p95 and p99 of request duration, per service, over the selected routes.',
        queries: q.latencyPercentiles,
        unit: 's',
        min: 0,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Responses by status code',
        description: 'Responses per second, per service and HTTP status code.',
        queries: q.responsesByStatus,
        unit: 'reqps',
        stack: true,
        width: 24,
      }),
    )
    .withRow(row('Outgoing calls'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Outgoing requests',
        description:
          'HTTP requests per second the selected services make, per peer and status (0: no response).',
        queries: q.outgoingRequests,
        unit: 'reqps',
        min: 0,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Outgoing p95 duration',
        description: '95th percentile of outgoing request duration, per peer.',
        queries: q.outgoingLatency,
        unit: 's',
        min: 0,
      }),
    )
    .withRow(row('Caches'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Cache look-ups by outcome',
        description:
          'Look-ups per second: hit, miss, or degraded (the cache was unavailable and the source of truth answered).',
        queries: q.cacheLookups,
        unit: 'ops',
        stack: true,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Cache hit ratio',
        description: 'Share of look-ups the cache answered.',
        queries: q.cacheHitRatio,
        unit: 'percentunit',
        min: 0,
        max: 1,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Cache degraded reads and failovers',
        description:
          'Per rate interval: look-ups the source of truth answered because the cache was unavailable (Redis down, or no master while Sentinel elects one), and failovers the cache clients followed to a new master.',
        queries: q.cacheDegradedAndFailovers,
        unit: 'short',
        min: 0,
      }),
    )
    .withRow(row('Backups'))
    .withPanel(
      statPanel(config, {
        title: 'Newest backup age',
        description:
          'Time since the newest backup in the object store was written, by the scheduler’s last report.',
        queries: q.newestBackupAge,
        unit: 's',
        runbooks: ['BackupTooOld'],
        thresholds: [
          { value: null, color: 'green' },
          { value: 93_600, color: 'red' },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Backup age by database',
        description: 'Seconds since each database’s newest stored backup; it drops to 0 at every backup.',
        queries: q.backupAge,
        unit: 's',
        min: 0,
        runbooks: ['BackupTooOld'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Backup runs by outcome',
        description: 'Scheduled backup runs in the last hour, per database: success or failure.',
        queries: q.backupRuns,
        unit: 'short',
        min: 0,
        runbooks: ['BackupTooOld'],
      }),
    )
    .withRow(row('Database replication'))
    .withPanel(
      statPanel(config, {
        title: 'Streaming replicas',
        description: 'Replicas streaming from the primary, as the failover supervisor samples them.',
        queries: q.replicas,
        unit: 'short',
        runbooks: ['DatabaseReplicaDown'],
        thresholds: [
          { value: null, color: 'red' },
          { value: 1, color: 'green' },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Replication lag',
        description:
          'Per replica: replay lag in seconds (A) and WAL not yet replayed in bytes (B); a flat 0 with no replica label when no replica streams.',
        queries: q.replicationLag,
        unit: 'short',
        min: 0,
        runbooks: ['DatabaseReplicationLagHigh'],
      }),
    )
    .withPanel(
      statPanel(config, {
        title: 'Promotions (1h)',
        description: 'Replicas the failover supervisor promoted to primary in the last hour.',
        queries: q.promotions,
        unit: 'short',
        runbooks: ['DatabaseFailover'],
        thresholds: [
          { value: null, color: 'green' },
          { value: 1, color: 'orange' },
        ],
      }),
    )
    .build();
}
