/**
 * The one config point of Faultline's alerts: selectors, thresholds, windows, the SLO and the
 * links every alert carries. Every rule file reads its numbers from here, so a threshold is
 * changed once; `npm run alerts:generate` then rewrites the committed rules.
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

/** Label matchers (without braces) that select the series a rule looks at. */
export interface Selectors {
  /** Every series scraped from a Faultline service (one target per instance). */
  readonly services: string;
  /** The scrape targets whose `up` ServiceDown watches. */
  readonly targets: string;
  /** The OpenTelemetry Collector's own metrics. */
  readonly collector: string;
  /** Work queues: consumers are expected on them. */
  readonly workQueues: string;
  /** Dead-letter queues: nobody consumes them, they wait for a human. */
  readonly deadLetterQueues: string;
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
  /** Windows error ratios are recorded over: every tier's windows, plus any dashboards use. */
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
  readonly thresholds: Thresholds;
  readonly slo: AvailabilitySlo;
  /** Runbooks live at `<runbookBaseUrl>/<AlertName>.md`. */
  readonly runbookBaseUrl: string;
  /** Dashboards live at `<grafanaBaseUrl>/d/<uid>`. */
  readonly grafanaBaseUrl: string;
  readonly dashboards: DashboardUids;
  readonly routing: Routing;
}

/**
 * Faultline's alerting configuration. Scrape jobs: `faultline-services` (one target per service
 * instance, each target labelled with its `service`), `rabbitmq`, `otel-collector`.
 */
export const defaultConfig: AlertsConfig = {
  selectors: {
    services: 'job="faultline-services"',
    targets: 'job=~"faultline-services|rabbitmq|otel-collector"',
    collector: 'job="otel-collector"',
    workQueues: 'messaging_destination_name!~".+[.]dlq"',
    deadLetterQueues: 'messaging_destination_name=~".+[.]dlq"',
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
    // Daily backups, plus 2 hours for a slow or retried run: one missed backup alerts.
    backupMaxAgeSeconds: 26 * 3600,
    backupTooOldFor: '10m',
    replicationLagSeconds: 30,
    replicationLagFor: '5m',
    replicaDownFor: '1m',
    failoverWindow: '30m',
  },
  slo: {
    name: 'order-api-availability',
    description: 'the order API (gateway /api/orders)',
    requestSelector: 'job="faultline-services", service="gateway", http_route=~"/api/orders(/.*)?"',
    errorSelector: 'http_response_status_code=~"5.."',
    target: 0.999,
    period: '30d',
    recordedWindows: ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'],
    // The workbook's recommended set (table 5-8): 2% of the budget in 1h or 5% in 6h pages,
    // 10% in 3d opens a ticket. A steady 0.5% error rate burns at 5x: below both paging tiers.
    tiers: [
      { burnRate: 14.4, longWindow: '1h', shortWindow: '5m', for: '2m', severity: 'critical' },
      { burnRate: 6, longWindow: '6h', shortWindow: '30m', for: '15m', severity: 'critical' },
      { burnRate: 1, longWindow: '3d', shortWindow: '6h', for: '3h', severity: 'warning' },
    ],
  },
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
