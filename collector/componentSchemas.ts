/**
 * JSON Schemas for the configuration of every Collector component Faultline uses, encoded from
 * the components' published configuration schemas (`config.schema.yaml` in
 * opentelemetry-collector, the generated `_build/schemas/*.json` of the contrib distribution) and
 * the tail sampling processor's `config.go`. Every object is closed (`additionalProperties:
 * false`), so a misspelt or invented key fails here as it would fail the Collector's own
 * unmarshalling. Only the keys listed in those sources are accepted; nested sections Faultline
 * does not use are accepted as objects without descending into them.
 */

/** A JSON Schema fragment, as understood by ajv. */
export type Schema = Record<string, unknown>;

/** A Go `time.Duration` string as the Collector parses it: `1s`, `500ms`, `1m30s`. */
export const duration: Schema = { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$' };
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', minimum: 0 };
const bool: Schema = { type: 'boolean' };
const opaque: Schema = { type: 'object' };
const strings: Schema = { type: 'array', items: str };

/** A closed object: only the listed properties are allowed. */
function closed(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', properties, required, additionalProperties: false };
}

/** `configtls` client settings (the `tls` section of gRPC and HTTP clients). */
const tlsClient = closed({
  insecure: bool,
  insecure_skip_verify: bool,
  server_name_override: str,
  ca_file: str,
  ca_pem: str,
  cert_file: str,
  cert_pem: str,
  key_file: str,
  key_pem: str,
  min_version: str,
  max_version: str,
  cipher_suites: strings,
  curve_preferences: strings,
  include_system_ca_certs_pool: bool,
  reload_interval: duration,
  tpm: opaque,
});

/** `configtls` server settings. */
const tlsServer = closed({
  ca_file: str,
  ca_pem: str,
  cert_file: str,
  cert_pem: str,
  key_file: str,
  key_pem: str,
  client_ca_file: str,
  client_ca_file_reload: bool,
  min_version: str,
  max_version: str,
  cipher_suites: strings,
  curve_preferences: strings,
  include_system_ca_certs_pool: bool,
  reload_interval: duration,
  tpm: opaque,
});

/** `configgrpc` server settings (OTLP receiver, gRPC). */
const grpcServer = closed({
  endpoint: str,
  transport: { enum: ['tcp', 'tcp4', 'tcp6', 'udp', 'unix', 'unixgram', 'unixpacket'] },
  dialer: opaque,
  tls: tlsServer,
  max_recv_msg_size_mib: int,
  max_concurrent_streams: int,
  read_buffer_size: int,
  write_buffer_size: int,
  keepalive: opaque,
  auth: opaque,
  include_metadata: bool,
  middlewares: { type: 'array' },
});

/** `confighttp` server settings plus the OTLP receiver's per-signal paths. */
const otlpHttpServer = closed({
  endpoint: str,
  tls: tlsServer,
  cors: opaque,
  auth: opaque,
  max_request_body_size: int,
  include_metadata: bool,
  response_headers: opaque,
  compression_algorithms: strings,
  read_timeout: duration,
  read_header_timeout: duration,
  write_timeout: duration,
  idle_timeout: duration,
  keep_alives_enabled: bool,
  middlewares: { type: 'array' },
  traces_url_path: str,
  metrics_url_path: str,
  logs_url_path: str,
});

/** `otlp` receiver. */
const otlpReceiver = closed(
  { protocols: { ...closed({ grpc: grpcServer, http: otlpHttpServer }), minProperties: 1 } },
  ['protocols'],
);

/** `memory_limiter` processor. */
const memoryLimiter = {
  ...closed(
    {
      check_interval: duration,
      limit_mib: int,
      spike_limit_mib: int,
      limit_percentage: { type: 'integer', minimum: 1, maximum: 100 },
      spike_limit_percentage: { type: 'integer', minimum: 1, maximum: 100 },
      min_gc_interval_when_soft_limited: duration,
      min_gc_interval_when_hard_limited: duration,
    },
    ['check_interval'],
  ),
  anyOf: [{ required: ['limit_mib'] }, { required: ['limit_percentage'] }],
};

/** `batch` processor. */
const batch = closed({
  timeout: duration,
  send_batch_size: int,
  send_batch_max_size: int,
  metadata_keys: strings,
  metadata_cardinality_limit: int,
});

/** One tail sampling policy: `name`, `type`, and the section named after the type. */
const tailSamplingPolicyTypes = {
  status_code: closed(
    { status_codes: { type: 'array', minItems: 1, items: { enum: ['OK', 'ERROR', 'UNSET'] } } },
    ['status_codes'],
  ),
  latency: closed({ threshold_ms: int, upper_threshold_ms: int }, ['threshold_ms']),
  probabilistic: closed(
    { hash_salt: str, sampling_percentage: { type: 'number', exclusiveMinimum: 0, maximum: 100 } },
    ['sampling_percentage'],
  ),
  always_sample: closed({}),
  string_attribute: opaque,
  numeric_attribute: opaque,
  rate_limiting: opaque,
  span_count: opaque,
  trace_state: opaque,
  boolean_attribute: opaque,
  ottl_condition: opaque,
  and: opaque,
  composite: opaque,
  drop: opaque,
} satisfies Record<string, Schema>;

const tailSamplingPolicy: Schema = {
  ...closed({ name: str, type: { enum: Object.keys(tailSamplingPolicyTypes) }, ...tailSamplingPolicyTypes }, [
    'name',
    'type',
  ]),
  // The section named by `type` must be present (except for always_sample, which has none).
  allOf: Object.keys(tailSamplingPolicyTypes)
    .filter((type) => type !== 'always_sample')
    .map((type) => ({ if: { properties: { type: { const: type } } }, then: { required: [type] } })),
};

/** `tail_sampling` processor (contrib). */
const tailSampling = closed(
  {
    decision_wait: duration,
    num_traces: int,
    expected_new_traces_per_sec: int,
    block_on_overflow: bool,
    drop_pending_traces_on_shutdown: bool,
    sample_on_first_match: bool,
    decision_cache: closed({ sampled_cache_size: int, non_sampled_cache_size: int }),
    policies: { type: 'array', minItems: 1, items: tailSamplingPolicy },
  },
  ['policies'],
);

/** `otlp` exporter: exporterhelper timeout/retry/queue plus the `configgrpc` client. */
const otlpExporter = closed(
  {
    endpoint: { type: 'string', minLength: 1 },
    compression: str,
    tls: tlsClient,
    headers: opaque,
    keepalive: opaque,
    read_buffer_size: int,
    write_buffer_size: int,
    wait_for_ready: bool,
    balancer_name: str,
    authority: str,
    auth: opaque,
    middlewares: { type: 'array' },
    timeout: duration,
    retry_on_failure: closed({
      enabled: bool,
      initial_interval: duration,
      randomization_factor: { type: 'number' },
      multiplier: { type: 'number' },
      max_interval: duration,
      max_elapsed_time: duration,
    }),
    sending_queue: closed({
      enabled: bool,
      num_consumers: int,
      queue_size: int,
      storage: str,
      blocking: bool,
      block_on_overflow: bool,
      sizer: { enum: ['requests', 'items', 'bytes'] },
      wait_for_result: bool,
      batch: opaque,
    }),
  },
  ['endpoint'],
);

/** `health_check` extension (contrib). */
const healthCheck = closed({
  endpoint: str,
  path: str,
  tls: tlsServer,
  cors: opaque,
  auth: opaque,
  max_request_body_size: int,
  include_metadata: bool,
  response_headers: { type: ['object', 'array'] },
  compression_algorithms: strings,
  read_timeout: duration,
  read_header_timeout: duration,
  write_timeout: duration,
  idle_timeout: duration,
  keep_alives_enabled: bool,
  middlewares: { type: 'array' },
  response_body: closed({ healthy: str, unhealthy: str }),
  check_collector_pipeline: closed({ enabled: bool, interval: duration, exporter_failure_threshold: int }),
});

/** Component schemas by kind and type (the part of a component id before any `/name`). */
export const componentSchemas: Record<string, Record<string, Schema>> = {
  receivers: { otlp: otlpReceiver },
  processors: { memory_limiter: memoryLimiter, batch, tail_sampling: tailSampling },
  exporters: { otlp: otlpExporter },
  extensions: { health_check: healthCheck },
  connectors: {},
};

/** The pull reader that serves the Collector's own metrics in Prometheus format. */
const prometheusPullReader = closed(
  {
    pull: closed(
      {
        exporter: closed(
          {
            prometheus: closed(
              {
                host: str,
                port: { type: 'integer', minimum: 1, maximum: 65535 },
                without_units: bool,
                without_type_suffix: bool,
                without_scope_info: bool,
                with_resource_constant_labels: opaque,
                translation_strategy: str,
              },
              ['host', 'port'],
            ),
          },
          ['prometheus'],
        ),
      },
      ['exporter'],
    ),
  },
  ['pull'],
);

const pipeline = closed(
  {
    receivers: { type: 'array', minItems: 1, items: str },
    processors: strings,
    exporters: { type: 'array', minItems: 1, items: str },
  },
  ['receivers', 'exporters'],
);

/**
 * The top level and the `service` section. `service.telemetry.metrics` uses the current
 * `readers` format; the removed `address` key is rejected on purpose.
 */
export const collectorConfigSchema: Schema = closed(
  {
    receivers: { type: 'object', minProperties: 1 },
    processors: { type: 'object' },
    exporters: { type: 'object', minProperties: 1 },
    extensions: { type: 'object' },
    connectors: { type: 'object' },
    service: closed(
      {
        extensions: strings,
        pipelines: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^(traces|metrics|logs)(/[^/]+)?$' },
          additionalProperties: pipeline,
        },
        telemetry: closed({
          resource: opaque,
          logs: closed({
            level: { enum: ['debug', 'info', 'warn', 'error'] },
            encoding: { enum: ['console', 'json'] },
            development: bool,
            disable_caller: bool,
            disable_stacktrace: bool,
            sampling: opaque,
            output_paths: strings,
            error_output_paths: strings,
            initial_fields: opaque,
            processors: { type: 'array' },
          }),
          metrics: closed({
            level: { enum: ['none', 'basic', 'normal', 'detailed'] },
            readers: { type: 'array', minItems: 1, items: prometheusPullReader },
            views: { type: 'array' },
          }),
          traces: opaque,
        }),
      },
      ['pipelines'],
    ),
  },
  ['receivers', 'exporters', 'service'],
);
