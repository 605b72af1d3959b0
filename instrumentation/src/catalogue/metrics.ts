/**
 * The metric half of the signal catalogue: every metric Faultline emits, with its type, help
 * text, label names and buckets. Services, alert rules, dashboards, tests and `docs/signals.md`
 * use these names from here and nowhere else. Names follow Prometheus conventions (base units,
 * `_total` for counters, `_seconds` for durations) and, where one exists, the OpenTelemetry
 * semantic convention of the same signal with dots turned into underscores.
 */

/** The kinds of metric the catalogue holds, as Prometheus names them. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric of the catalogue: its name is the contract, its labels are the only ones allowed. */
export interface MetricDefinition<L extends string = string> {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** Histogram bucket upper bounds, in the metric's unit. */
  readonly buckets?: readonly number[];
  /** Allowed values of a closed label (`state`, `outcome`...), documented and tested. */
  readonly labelValues?: Partial<Record<L, readonly string[]>>;
  /** The catalogue section it belongs to, for the generated documentation. */
  readonly group: SignalGroup;
}

/** Sections of the catalogue, in documentation order. */
export type SignalGroup =
  'http' | 'circuit_breaker' | 'retry' | 'messaging' | 'cache' | 'database' | 'saga' | 'telemetry';

/** Label every series carries, set from `service.name`. */
export const SERVICE_LABEL = 'service';

/**
 * Route label value for requests without a route template — no route matched, or the server has
 * no router (plain `node:http`) — so every series has the same labels and cardinality stays bounded.
 */
export const UNMATCHED_ROUTE = 'unmatched';

/** The OpenTelemetry HTTP semantic conventions' default duration buckets, in seconds. */
export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;

/** Buckets for the time a message waited in a queue: from 10 ms to 10 minutes. */
export const CONSUMER_LAG_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600] as const;

/** Buckets for how long a consumer-group rebalance held a consumer: 10 ms to 2 minutes. */
export const REBALANCE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;

/** Buckets for the delays a retry policy actually waited. */
export const BACKOFF_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

function define<const L extends string>(def: MetricDefinition<L>): MetricDefinition<L> {
  return def;
}

/** Every metric Faultline defines, keyed by a short identifier used in code. */
export const metrics = {
  httpServerDuration: define({
    name: 'http_server_request_duration_seconds',
    type: 'histogram',
    group: 'http',
    help: 'Duration of HTTP server requests, by route template, method, status code, scheme and error type (5xx or aborted).',
    labelNames: [
      'http_route',
      'http_request_method',
      'http_response_status_code',
      'url_scheme',
      'error_type',
    ],
    buckets: HTTP_DURATION_BUCKETS,
  }),
  httpClientDuration: define({
    name: 'http_client_request_duration_seconds',
    type: 'histogram',
    group: 'http',
    help: 'Duration of outgoing HTTP requests, by method, server address and port, status code (absent when no response came) and error type.',
    labelNames: [
      'http_request_method',
      'server_address',
      'server_port',
      'http_response_status_code',
      'error_type',
    ],
    buckets: HTTP_DURATION_BUCKETS,
  }),

  breakerState: define({
    name: 'circuit_breaker_state',
    type: 'gauge',
    group: 'circuit_breaker',
    help: 'Current state of a circuit breaker: 1 for the state it is in, 0 for the others.',
    labelNames: ['breaker', 'state'],
    labelValues: { state: ['closed', 'open', 'half_open'] },
  }),
  breakerCalls: define({
    name: 'circuit_breaker_calls_total',
    type: 'counter',
    group: 'circuit_breaker',
    help: 'Calls through a circuit breaker, by outcome (rejected: short-circuited while open).',
    labelNames: ['breaker', 'outcome'],
    labelValues: { outcome: ['success', 'failure', 'timeout', 'rejected'] },
  }),
  breakerTransitions: define({
    name: 'circuit_breaker_transitions_total',
    type: 'counter',
    group: 'circuit_breaker',
    help: 'State changes of a circuit breaker, by the state entered.',
    labelNames: ['breaker', 'to'],
    labelValues: { to: ['open', 'half_open', 'closed'] },
  }),
  breakerFallbacks: define({
    name: 'circuit_breaker_fallbacks_total',
    type: 'counter',
    group: 'circuit_breaker',
    help: 'Calls answered by the fallback of a circuit breaker.',
    labelNames: ['breaker'],
  }),

  retryAttempts: define({
    name: 'retry_attempts_total',
    type: 'counter',
    group: 'retry',
    help: 'Attempts of a retried operation, by outcome: success, retry (failed, will retry), exhausted (gave up), aborted (cancelled).',
    labelNames: ['operation', 'outcome'],
    labelValues: { outcome: ['success', 'retry', 'exhausted', 'aborted'] },
  }),
  retryBackoff: define({
    name: 'retry_backoff_seconds',
    type: 'histogram',
    group: 'retry',
    help: 'Delays actually waited between attempts of a retried operation.',
    labelNames: ['operation'],
    buckets: BACKOFF_BUCKETS,
  }),

  messagingSent: define({
    name: 'messaging_client_sent_messages_total',
    type: 'counter',
    group: 'messaging',
    help: 'Messages published to a destination.',
    labelNames: ['messaging_system', 'messaging_destination_name'],
  }),
  messagingConsumed: define({
    name: 'messaging_client_consumed_messages_total',
    type: 'counter',
    group: 'messaging',
    help: 'Messages delivered to a consumer of a destination.',
    labelNames: ['messaging_system', 'messaging_destination_name'],
  }),
  messagingLag: define({
    name: 'messaging_consumer_lag_seconds',
    type: 'histogram',
    group: 'messaging',
    help: 'Time from publish to the start of processing of a message.',
    labelNames: ['messaging_system', 'messaging_destination_name'],
    buckets: CONSUMER_LAG_BUCKETS,
  }),
  messagingProcessDuration: define({
    name: 'messaging_process_duration_seconds',
    type: 'histogram',
    group: 'messaging',
    help: 'Processing time of a message, by how it ended: ack, requeue, dead_letter or reject (Kafka: ack when the handler succeeded, requeue when it threw and the record is delivered again).',
    labelNames: ['messaging_system', 'messaging_destination_name', 'outcome'],
    labelValues: { outcome: ['ack', 'requeue', 'dead_letter', 'reject'] },
    buckets: HTTP_DURATION_BUCKETS,
  }),
  messagingQueueDepth: define({
    name: 'messaging_queue_depth',
    type: 'gauge',
    group: 'messaging',
    help: 'Messages in a queue as the broker reports them: ready for delivery, or delivered and not yet acknowledged.',
    labelNames: ['messaging_system', 'messaging_destination_name', 'state'],
    labelValues: { state: ['ready', 'unacked'] },
  }),
  messagingQueueConsumers: define({
    name: 'messaging_queue_consumers',
    type: 'gauge',
    group: 'messaging',
    help: 'Consumers attached to a queue, as the broker reports them.',
    labelNames: ['messaging_system', 'messaging_destination_name'],
  }),

  messagingInvalidTraceContext: define({
    name: 'messaging_invalid_trace_context_total',
    type: 'counter',
    group: 'messaging',
    help: 'Messages consumed with a trace-context header that could not be read (the consumer span starts a new trace).',
    labelNames: ['messaging_system', 'messaging_destination_name'],
  }),
  kafkaConsumerGroupLag: define({
    name: 'messaging_kafka_consumer_group_lag',
    type: 'gauge',
    group: 'messaging',
    help: "Records of a partition not yet consumed by a consumer group: the high watermark minus the group's committed offset (minus the earliest retained offset before the first commit).",
    labelNames: ['group', 'topic', 'partition'],
  }),
  kafkaConsumerGroupLagSeconds: define({
    name: 'messaging_kafka_consumer_group_lag_seconds',
    type: 'gauge',
    group: 'messaging',
    help: "Estimated age of the oldest record a consumer group has not consumed: how long ago the partition's high watermark stood at the committed offset, as sampled by the monitor (a lower bound past its sample history).",
    labelNames: ['group', 'topic', 'partition'],
  }),
  kafkaConsumerGroupOffset: define({
    name: 'messaging_kafka_consumer_group_committed_offset',
    type: 'gauge',
    group: 'messaging',
    help: 'Offset a consumer group last committed on a partition (absent before its first commit).',
    labelNames: ['group', 'topic', 'partition'],
  }),
  kafkaConsumerGroupMembers: define({
    name: 'messaging_kafka_consumer_group_members',
    type: 'gauge',
    group: 'messaging',
    help: 'Members of a consumer group as the group coordinator reports them.',
    labelNames: ['group'],
  }),
  kafkaMonitorFailures: define({
    name: 'messaging_kafka_monitor_failures_total',
    type: 'counter',
    group: 'messaging',
    help: 'Samples of the consumer-group monitor that failed, by reason: unreachable (no broker answered), unknown_group, unknown_topic.',
    labelNames: ['reason'],
    labelValues: { reason: ['unreachable', 'unknown_group', 'unknown_topic'] },
  }),
  kafkaRebalances: define({
    name: 'messaging_kafka_consumer_rebalances_total',
    type: 'counter',
    group: 'messaging',
    help: 'Times a consumer of this process (re)joined its group: every rebalance it took part in.',
    labelNames: ['group'],
  }),
  kafkaRebalanceDuration: define({
    name: 'messaging_kafka_consumer_rebalance_duration_seconds',
    type: 'histogram',
    group: 'messaging',
    help: 'Time a consumer of this process spent joining its group in a rebalance (processing stops meanwhile).',
    labelNames: ['group'],
    buckets: REBALANCE_BUCKETS,
  }),

  cacheRequests: define({
    name: 'cache_requests_total',
    type: 'counter',
    group: 'cache',
    help: 'Cache look-ups by outcome: hit, miss, or degraded (the cache was unavailable and the source of truth answered).',
    labelNames: ['cache', 'outcome'],
    labelValues: { outcome: ['hit', 'miss', 'degraded'] },
  }),
  cacheFailovers: define({
    name: 'cache_failovers_total',
    type: 'counter',
    group: 'cache',
    help: 'Times a cache client, reconnecting, found its master at a new address: a failover it followed (Redis Sentinel).',
    labelNames: ['cache'],
  }),

  backupLastSuccess: define({
    name: 'faultline_backup_last_success_timestamp_seconds',
    type: 'gauge',
    group: 'database',
    help: 'Unix time at which the newest stored backup of a database was written (0 when the store holds none).',
    labelNames: ['database'],
  }),
  backupAge: define({
    name: 'faultline_backup_age_seconds',
    type: 'gauge',
    group: 'database',
    help: 'Seconds since the newest stored backup of a database was written, at scrape time.',
    labelNames: ['database'],
  }),
  backupRuns: define({
    name: 'faultline_backup_runs_total',
    type: 'counter',
    group: 'database',
    help: 'Scheduled backup runs of a database, by outcome.',
    labelNames: ['database', 'outcome'],
    labelValues: { outcome: ['success', 'failure'] },
  }),
  dbReplicas: define({
    name: 'faultline_db_replicas',
    type: 'gauge',
    group: 'database',
    help: 'Replicas streaming from the primary, as its pg_stat_replication reports them (the failover supervisor samples it).',
    labelNames: [],
  }),
  dbReplicationLagBytes: define({
    name: 'faultline_db_replication_lag_bytes',
    type: 'gauge',
    group: 'database',
    help: 'WAL a replica has not replayed yet, in bytes: the primary’s current WAL position minus the replica’s replay position.',
    labelNames: ['replica'],
  }),
  dbReplicationLagSeconds: define({
    name: 'faultline_db_replication_lag_seconds',
    type: 'gauge',
    group: 'database',
    help: 'How long ago the replica replayed the newest WAL the primary had flushed (pg_stat_replication.replay_lag; 0 when idle).',
    labelNames: ['replica'],
  }),
  dbPromotions: define({
    name: 'faultline_db_promotions_total',
    type: 'counter',
    group: 'database',
    help: 'Replicas the failover supervisor promoted to primary.',
    labelNames: [],
  }),

  sagaStarted: define({
    name: 'saga_started_total',
    type: 'counter',
    group: 'saga',
    help: 'Sagas the orchestrator started (one per business transaction, however often its message is redelivered).',
    labelNames: ['saga'],
  }),
  sagaCompleted: define({
    name: 'saga_completed_total',
    type: 'counter',
    group: 'saga',
    help: 'Sagas that ran every step to the end.',
    labelNames: ['saga'],
  }),
  sagaCompensated: define({
    name: 'saga_compensated_total',
    type: 'counter',
    group: 'saga',
    help: 'Sagas whose later step failed for good, ended after undoing their earlier steps (compensations).',
    labelNames: ['saga'],
  }),
  sagaAborted: define({
    name: 'saga_aborted_total',
    type: 'counter',
    group: 'saga',
    help: 'Sagas whose first step was refused (e.g. no stock): ended with nothing to undo.',
    labelNames: ['saga'],
  }),
  sagaStuck: define({
    name: 'saga_stuck',
    type: 'gauge',
    group: 'saga',
    help: 'Sagas under way whose last step is older than the orchestrator’s stuck threshold, sampled from the saga store.',
    labelNames: ['saga'],
  }),

  telemetryExported: define({
    name: 'faultline_telemetry_exported_total',
    type: 'counter',
    group: 'telemetry',
    help: 'Telemetry items (spans, log records) accepted by their backend.',
    labelNames: ['signal'],
    labelValues: { signal: ['traces', 'logs'] },
  }),
  telemetryDropped: define({
    name: 'faultline_telemetry_dropped_total',
    type: 'counter',
    group: 'telemetry',
    help: 'Telemetry items dropped instead of exported, by signal and reason.',
    labelNames: ['signal', 'reason'],
    labelValues: {
      signal: ['traces', 'logs'],
      reason: ['queue_full', 'export_failed', 'rejected', 'shutdown'],
    },
  }),
  telemetryExportFailures: define({
    name: 'faultline_telemetry_export_failures_total',
    type: 'counter',
    group: 'telemetry',
    help: 'Export requests to a telemetry backend that failed (unreachable, timed out or answered an error).',
    labelNames: ['signal'],
    labelValues: { signal: ['traces', 'logs'] },
  }),
  telemetryQueueSize: define({
    name: 'faultline_telemetry_queue_size',
    type: 'gauge',
    group: 'telemetry',
    help: 'Telemetry items held in the bounded export buffer of a signal (traces: including the batch being sent).',
    labelNames: ['signal'],
    labelValues: { signal: ['traces', 'logs'] },
  }),
  telemetryQueueCapacity: define({
    name: 'faultline_telemetry_queue_capacity',
    type: 'gauge',
    group: 'telemetry',
    help: 'Capacity of the bounded export buffer of a signal; items beyond it are dropped and counted.',
    labelNames: ['signal'],
    labelValues: { signal: ['traces', 'logs'] },
  }),
} as const;

/** The short identifiers of the catalogue's metrics. */
export type MetricKey = keyof typeof metrics;

/** The label names of one catalogue metric. */
export type LabelsOf<K extends MetricKey> = (typeof metrics)[K]['labelNames'][number];
