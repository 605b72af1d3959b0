/**
 * The one config point of Faultline's alerts AND dashboards (the mixin's `config.libsonnet`):
 * selectors, extra grouping labels, thresholds, windows, the SLOs, dashboard UIDs and the link
 * bases every alert and panel carries. Both generators read this module, so a threshold or a
 * selector is changed once; `npm run alerts:generate` and `npm run dashboards:generate` then
 * rewrite the committed files.
 *
 * No default depends on a scrape job's name: Faultline's series are selected by metric name
 * and keep their `service` label, so the rules work with one job per service, one job for all,
 * or Kubernetes ServiceMonitor jobs. Narrow them with the selectors (e.g. `namespace="shop"`).
 */

/** A Prometheus duration (`30s`, `5m`, `3d`). */
export type Duration = `${number}${'s' | 'm' | 'h' | 'd'}`;

/** The Grafana dashboards alerts link to, by the UIDs the dashboards package gives them. */
export interface DashboardUids {
  readonly serviceOverview: string;
  readonly faultTolerance: string;
  readonly queues: string;
  readonly slo: string;
  readonly telemetryPipeline: string;
}

/** Which dashboard a component's alerts link to. */
export type DashboardKey = keyof DashboardUids;

/**
 * Label matchers (without braces) that select the series a rule looks at. Empty means every
 * series of the metric the rule names.
 */
export interface Selectors {
  /** Added to every selector of a Faultline metric (default none: selected by name). */
  readonly services: string;
  /** The scrape targets whose `up` ServiceDown watches (default none: every target). */
  readonly targets: string;
  /** Added to the OpenTelemetry Collector's own metrics (default none: selected by name). */
  readonly collector: string;
  /** Work queues: consumers are expected on them. */
  readonly workQueues: string;
  /** Dead-letter queues: nobody consumes them, they wait for a human. */
  readonly deadLetterQueues: string;
  /** Added to Alertmanager's own metrics (default none). */
  readonly alertmanager: string;
  /** Added to Prometheus's own metrics (default none). */
  readonly prometheus: string;
}

/**
 * Where queue depth and consumer counts come from. The broker's own Prometheus endpoint
 * outlives every consumer (RabbitMQ: scrape `/metrics/detailed?family=queue_coarse_metrics&
 * family=queue_consumer_count`, or `/metrics/per-object` with `rabbitmq_queue_*` names), so a
 * queue whose consumers are all dead is still seen, with zero consumers.
 */
export interface QueueMetrics {
  /** Messages ready for delivery, one series per queue. */
  readonly ready: string;
  /** Messages delivered and not yet acknowledged, one series per queue (for dashboards). */
  readonly unacked: string;
  /** Consumers attached, one series per queue. */
  readonly consumers: string;
  /** The label naming the queue on those series (`queue` for RabbitMQ). */
  readonly queueLabel: string;
  /** The `messaging_system` the alerts carry, as the consumers' own metrics name it. */
  readonly system: string;
  /** Matchers added to both (e.g. `vhost="/"`); none by default. */
  readonly selector: string;
  /** Suffix a work queue's dead-letter queue has (`orders.created` → `orders.created.dlq`). */
  readonly deadLetterSuffix: string;
  /**
   * The service that consumes each work queue. The broker's series name no service, so the
   * broker-side queue alerts take their `service` label from here: PagerDuty's `component`,
   * grouping and inhibition need it. A queue's dead-letter queue belongs to the same service.
   * A queue no entry matches keeps no `service` label.
   */
  readonly owners: readonly QueueOwner[];
}

/** Which service consumes the queues whose names match `queue`. */
export interface QueueOwner {
  /** A regular expression (RE2, anchored as Prometheus anchors them) over queue names. */
  readonly queue: string;
  readonly service: string;
}

/**
 * One multi-window burn-rate tier of the Google SRE workbook: the alert fires when the error
 * ratio over both windows exceeds `burnRate` times the error budget.
 */
export interface BurnRateTier {
  readonly burnRate: number;
  readonly longWindow: Duration;
  readonly shortWindow: Duration;
  readonly for: Duration;
  /** `critical` pages; `warning` opens a ticket. */
  readonly severity: 'critical' | 'warning';
}

/** An availability SLO over HTTP requests of one service. */
export interface AvailabilitySlo {
  /** The `slo` label of its recording rules and alerts. */
  readonly name: string;
  /** What the SLO covers, in words, for alert text. */
  readonly description: string;
  /** Matchers of the requests the SLO counts (service, routes). */
  readonly requestSelector: string;
  /** Matchers, added to `requestSelector`, of the requests that count as errors. */
  readonly errorSelector: string;
  /** The objective, a ratio of good requests (0.999 = 99.9%). */
  readonly target: number;
  /** The period the objective is promised over. */
  readonly period: Duration;
  /**
   * Windows error ratios are recorded over: every tier's windows, plus any dashboards use. The
   * first (shortest) is the base: request and error rates are read from the counters over it,
   * and every longer window sums those records instead of reading the counters over hours.
   */
  readonly recordedWindows: readonly Duration[];
  readonly tiers: readonly BurnRateTier[];
}

/** Thresholds and windows of every alert but the SLO's. */
export interface Thresholds {
  readonly serviceDownFor: Duration;
  readonly breakerOpenFor: Duration;
  /** Breaker states that count as "not recovered": a half-open trial is not a recovery. */
  readonly breakerUnhealthyStates: readonly string[];
  readonly breakerFlappingWindow: Duration;
  /** Open/close cycles within the window that count as flapping. */
  readonly breakerFlappingCycles: number;
  readonly queueRateWindow: Duration;
  readonly queueStalledFor: Duration;
  readonly queueNoConsumersFor: Duration;
  /** The lag quantile that must exceed `queueLagSeconds` (0.5: most messages). */
  readonly queueLagQuantile: number;
  readonly queueLagSeconds: number;
  readonly queueLagFor: Duration;
  readonly deadLetterWindow: Duration;
  readonly retryWindow: Duration;
  /** Share of attempts that failed and were retried. */
  readonly retryRatio: number;
  /** Minimum attempts per second before the ratio means anything. */
  readonly retryMinAttemptsPerSecond: number;
  readonly retryStormFor: Duration;
  readonly telemetryWindow: Duration;
  readonly telemetryFor: Duration;
  /** Drop reasons that are expected (a process flushing at shutdown) and never alert. */
  readonly telemetryIgnoredDropReasons: readonly string[];
  /** Fill ratio of a Collector exporter queue that counts as saturated. */
  readonly collectorQueueFullRatio: number;
  /** An SLO whose requests sum to 0 over this window has no traffic to judge. */
  readonly sloNoTrafficWindow: Duration;
  /** How long selectors may match nothing before the rules say they are blind. */
  readonly absentFor: Duration;
  /** Window and duration of Alertmanager's failed notifications and Prometheus's failed rule evaluations. */
  readonly selfMonitoringWindow: Duration;
  readonly selfMonitoringFor: Duration;
  /** Age of the newest stored backup past which it is too old: the RPO the backups promise. */
  readonly backupMaxAgeSeconds: number;
  readonly backupTooOldFor: Duration;
  /** Replay lag of a replica past which a failover would wait (or, asynchronous, lose) that long. */
  readonly replicationLagSeconds: number;
  readonly replicationLagFor: Duration;
  /** With synchronous replication and no replica, the primary's commits wait: page quickly. */
  readonly replicaDownFor: Duration;
  /** How long DatabaseFailover keeps firing after a promotion (until someone rebuilds the replica). */
  readonly failoverWindow: Duration;
  /** How long a saga may stay stuck (no step past the orchestrator's threshold) before it alerts. */
  readonly sagaStuckFor: Duration;
}

/** How long Alertmanager waits before a first notification, between updates, and before repeating. */
export interface NotificationTimings {
  readonly groupWait: Duration;
  readonly groupInterval: Duration;
  readonly repeatInterval: Duration;
}

/** Alertmanager routing: grouping and the timings of each receiver's route. */
export interface Routing {
  readonly groupBy: readonly string[];
  /** Pages. Its group_wait is part of the 2-minute promise of CircuitBreakerOpen. */
  readonly critical: NotificationTimings;
  readonly warning: NotificationTimings;
  /** The Watchdog heartbeat: repeated often, so its absence is noticed quickly. */
  readonly heartbeat: NotificationTimings;
}

/** The whole configuration the generators read. */
export interface AlertsConfig {
  readonly selectors: Selectors;
  /**
   * Labels kept by every aggregation besides the ones a rule needs (e.g. `namespace`,
   * `cluster`), so one Prometheus watching several deployments alerts on each apart.
   */
  readonly groupingLabels: readonly string[];
  readonly queueMetrics: QueueMetrics;
  readonly thresholds: Thresholds;
  /** The availability SLOs; each gets its own recording rules and burn-rate alerts. */
  readonly slos: readonly AvailabilitySlo[];
  /** Runbooks live at `<runbookBaseUrl>/<AlertName>.md`. */
  readonly runbookBaseUrl: string;
  /** Dashboards live at `<grafanaBaseUrl>/d/<uid>`. */
  readonly grafanaBaseUrl: string;
  readonly dashboards: DashboardUids;
  readonly routing: Routing;
}

/**
 * Faultline's monitoring configuration. It names no scrape job: whatever jobs scrape the
 * services, RabbitMQ and the Collector, their series are found by metric name.
 */
export const defaultConfig: AlertsConfig = {
  selectors: {
    services: '',
    targets: '',
    collector: '',
    // Retry queues hold messages for a delay and are drained by the broker (TTL and dead
    // lettering back to the work queue), never by a consumer: not work queues.
    workQueues: 'messaging_destination_name!~".+[.](dlq|retry)"',
    deadLetterQueues: 'messaging_destination_name=~".+[.]dlq"',
    alertmanager: '',
    prometheus: '',
  },
  groupingLabels: [],
  queueMetrics: {
    ready: 'rabbitmq_detailed_queue_messages_ready',
    unacked: 'rabbitmq_detailed_queue_messages_unacked',
    consumers: 'rabbitmq_detailed_queue_consumers',
    queueLabel: 'queue',
    system: 'rabbitmq',
    selector: '',
    deadLetterSuffix: '.dlq',
    // The demo's order flow; any prefix (isolated demos and tests put one in front).
    owners: [{ queue: '(.+[.])?orders[.]created', service: 'payment-service' }],
  },
  thresholds: {
    serviceDownFor: '2m',
    // Worst case from opening to the page: 30s (scrape) + 15s (evaluation) + 30s (for)
    // + 30s (Alertmanager group_wait of the critical route) = 105s, inside the 2-minute promise.
    breakerOpenFor: '30s',
    breakerUnhealthyStates: ['open', 'half_open'],
    breakerFlappingWindow: '15m',
    breakerFlappingCycles: 3,
    queueRateWindow: '5m',
    queueStalledFor: '2m',
    queueNoConsumersFor: '5m',
    queueLagQuantile: 0.5,
    queueLagSeconds: 60,
    queueLagFor: '5m',
    deadLetterWindow: '10m',
    retryWindow: '5m',
    retryRatio: 0.5,
    retryMinAttemptsPerSecond: 0.1,
    retryStormFor: '5m',
    telemetryWindow: '5m',
    telemetryFor: '5m',
    telemetryIgnoredDropReasons: ['shutdown'],
    collectorQueueFullRatio: 0.8,
    absentFor: '10m',
    sloNoTrafficWindow: '1h',
    selfMonitoringWindow: '5m',
    selfMonitoringFor: '5m',
    // Daily backups, plus 2 hours for a slow or retried run: one missed backup alerts.
    backupMaxAgeSeconds: 26 * 3600,
    backupTooOldFor: '10m',
    replicationLagSeconds: 30,
    replicationLagFor: '5m',
    replicaDownFor: '1m',
    failoverWindow: '30m',
    sagaStuckFor: '5m',
  },
  slos: [
    {
      name: 'order-api-availability',
      description: 'the order API (gateway /api/orders)',
      requestSelector: 'service="gateway", http_route=~"/api/orders(/.*)?"',
      errorSelector: 'http_response_status_code=~"5.."',
      target: 0.999,
      period: '30d',
      recordedWindows: ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'],
      // The workbook's recommended set (table 5-8), as sloth ships it: 2% of the budget in 1h or
      // 5% in 6h pages, 10% in 1d or in 3d opens a ticket. A steady 0.5% error rate burns at
      // 5x: below both paging tiers, above the 3x ticket tier.
      tiers: [
        { burnRate: 14.4, longWindow: '1h', shortWindow: '5m', for: '2m', severity: 'critical' },
        { burnRate: 6, longWindow: '6h', shortWindow: '30m', for: '15m', severity: 'critical' },
        { burnRate: 3, longWindow: '1d', shortWindow: '2h', for: '1h', severity: 'warning' },
        { burnRate: 1, longWindow: '3d', shortWindow: '6h', for: '3h', severity: 'warning' },
      ],
    },
  ],
  runbookBaseUrl: 'https://github.com/faultline/faultline/blob/main/alerts/runbooks',
  grafanaBaseUrl: 'http://localhost:3000',
  dashboards: {
    serviceOverview: 'faultline-service-overview',
    faultTolerance: 'faultline-fault-tolerance',
    queues: 'faultline-queues',
    slo: 'faultline-slo',
    telemetryPipeline: 'faultline-telemetry-pipeline',
  },
  routing: {
    groupBy: ['alertname', 'service'],
    // PagerDuty deduplicates repeats of an open incident; an hourly repeat re-opens one that
    // was resolved by hand while the alert still fires.
    critical: { groupWait: '30s', groupInterval: '5m', repeatInterval: '1h' },
    warning: { groupWait: '1m', groupInterval: '5m', repeatInterval: '12h' },
    heartbeat: { groupWait: '0s', groupInterval: '1m', repeatInterval: '1m' },
  },
};
