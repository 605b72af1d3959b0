/**
 * Turns the environment into a {@link FaultlineConfig}. This is the only place that knows
 * variable names; the rest of the package reads the typed result. The standard OpenTelemetry
 * variables keep their specified meaning and defaults.
 */
import { randomUUID } from 'node:crypto';
import { parseExporter } from './parseExporter.ts';
import {
  EnvReader,
  boolean,
  commaList,
  httpUrl,
  integer,
  keyValueList,
  listOf,
  matching,
  numberBetween,
  oneOf,
  type Env,
} from './readers.ts';
import { parseSpanLimits } from './spanLimits.ts';
import type {
  Disabled,
  ElasticsearchEnabled,
  FaultlineConfig,
  MetricsEnabled,
  SamplerConfig,
  ServiceIdentity,
  TracesEnabled,
} from './types.ts';

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

const off = (reason: Disabled['reason']): Disabled => ({ enabled: false, reason });

function parseService(reader: EnvReader): ServiceIdentity {
  const attributes = reader.readOrDefault(
    'OTEL_RESOURCE_ATTRIBUTES',
    keyValueList,
    {},
    'a comma-separated list of key=value pairs',
  );
  const name = reader.raw('OTEL_SERVICE_NAME') ?? attributes['service.name'] ?? 'unknown_service:node';
  return {
    name,
    version: attributes['service.version'] ?? reader.raw('npm_package_version'),
    instanceId: attributes['service.instance.id'] ?? randomUUID(),
    namespace: attributes['service.namespace'],
    environment: attributes['deployment.environment.name'] ?? attributes['deployment.environment'],
    attributes,
  };
}

function parseSampler(reader: EnvReader): SamplerConfig | undefined {
  const kind = reader.read(
    'OTEL_TRACES_SAMPLER',
    oneOf(SAMPLERS),
    'parentbased_always_on',
    SAMPLERS.join(', '),
    'traces are disabled',
  );
  if (!kind.ok) return undefined;
  if (kind.value !== 'traceidratio' && kind.value !== 'parentbased_traceidratio') return { kind: kind.value };
  const ratio = reader.read(
    'OTEL_TRACES_SAMPLER_ARG',
    numberBetween(0, 1),
    1,
    'a number from 0 to 1',
    'traces are disabled',
  );
  return ratio.ok ? { kind: kind.value, ratio: ratio.value } : undefined;
}

function parseTraces(reader: EnvReader, readFile: (path: string) => string): TracesEnabled | Disabled {
  const exporterAccepted = 'otlp, none';
  const tracesExporter = reader.read(
    'OTEL_TRACES_EXPORTER',
    oneOf(['otlp', 'none']),
    'otlp',
    exporterAccepted,
    'traces are disabled',
  );
  if (!tracesExporter.ok) return off('invalid_config');
  if (tracesExporter.value === 'none') return off('disabled_by_config');
  const exporter = parseExporter(reader, readFile);
  const sampler = parseSampler(reader);
  const ms = integer(1, 600_000);
  const maxQueueSize = reader.readOrDefault(
    'OTEL_BSP_MAX_QUEUE_SIZE',
    integer(1, 1_000_000),
    2048,
    '1 to 1000000',
  );
  const maxExportBatchSize = Math.min(
    maxQueueSize,
    reader.readOrDefault('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', integer(1, 1_000_000), 512, '1 to 1000000'),
  );
  const scheduleDelayMs = reader.readOrDefault(
    'OTEL_BSP_SCHEDULE_DELAY',
    ms,
    5000,
    'milliseconds from 1 to 600000',
  );
  const propagators = parsePropagators(reader);
  if (!exporter.ok || sampler === undefined) return off('invalid_config');
  return {
    enabled: true,
    ...exporter.value,
    sampler,
    maxQueueSize,
    maxExportBatchSize,
    scheduleDelayMs,
    propagators,
    limits: parseSpanLimits(reader),
  };
}

function parsePropagators(reader: EnvReader): TracesEnabled['propagators'] {
  const names = reader.readOrDefault(
    'OTEL_PROPAGATORS',
    listOf(['tracecontext', 'baggage', 'none']),
    ['tracecontext', 'baggage'],
    'a comma-separated list of tracecontext, baggage, none',
  );
  return names.filter((name): name is 'tracecontext' | 'baggage' => name !== 'none');
}

function parseMetrics(reader: EnvReader): MetricsEnabled | Disabled {
  const enabled = reader.read(
    'FAULTLINE_METRICS_ENABLED',
    boolean,
    true,
    'true, false',
    'metrics are disabled',
  );
  if (!enabled.ok) return off('invalid_config');
  if (!enabled.value) return off('disabled_by_config');
  const port = reader.read(
    'FAULTLINE_METRICS_PORT',
    integer(0, 65535),
    9464,
    'a port number from 0 to 65535',
    'the metrics endpoint is disabled',
  );
  const host = reader.read(
    'FAULTLINE_METRICS_HOST',
    matching(/^[A-Za-z0-9.:\-[\]]+$/),
    '0.0.0.0',
    'a host name or IP address',
    'the metrics endpoint is disabled',
  );
  const defaultMetrics = reader.readOrDefault('FAULTLINE_DEFAULT_METRICS', boolean, true, 'true, false');
  if (!port.ok || !host.ok) return off('invalid_config');
  return { enabled: true, host: host.value, port: port.value, defaultMetrics };
}

function parseElasticsearch(reader: EnvReader, apiKey: string | undefined): ElasticsearchEnabled | Disabled {
  const url = reader.read(
    'FAULTLINE_ELASTICSEARCH_URL',
    httpUrl,
    '',
    'an http(s) URL',
    'log shipping is disabled',
  );
  if (!url.ok) return off('invalid_config');
  if (url.value === '') return off('disabled_by_config');
  const index = reader.read(
    'FAULTLINE_LOG_INDEX',
    matching(/^[a-z0-9][a-z0-9._-]*$/),
    'logs-faultline-default',
    'a lowercase Elasticsearch index or data stream name',
    'log shipping is disabled',
  );
  if (!index.ok) return off('invalid_config');
  const bufferSize = reader.readOrDefault(
    'FAULTLINE_LOG_BUFFER_SIZE',
    integer(1, 1_000_000),
    10_000,
    '1 to 1000000',
  );
  return {
    enabled: true,
    url: url.value,
    index: index.value,
    apiKey,
    bufferSize,
    batchSize: Math.min(
      bufferSize,
      reader.readOrDefault('FAULTLINE_LOG_BATCH_SIZE', integer(1, 100_000), 500, '1 to 100000'),
    ),
    flushIntervalMs: reader.readOrDefault(
      'FAULTLINE_LOG_FLUSH_INTERVAL_MS',
      integer(10, 600_000),
      1000,
      '10 to 600000',
    ),
    maxRetries: reader.readOrDefault('FAULTLINE_LOG_MAX_RETRIES', integer(0, 100), 3, '0 to 100'),
  };
}

/**
 * Parses the configuration from `env` and `readSecretFile` (for `*_FILE` variables). Never
 * throws: every bad value becomes an issue in the result and turns off only what it concerns.
 */
export function parseConfig(env: Env, readSecretFile: (path: string) => string): FaultlineConfig {
  const reader = new EnvReader(env);
  const sdkDisabled = reader.readOrDefault('OTEL_SDK_DISABLED', boolean, false, 'true, false');
  const service = parseService(reader);
  const apiKey = readSecret(reader, 'FAULTLINE_ELASTICSEARCH_API_KEY', readSecretFile);
  const traces = sdkDisabled ? off('sdk_disabled') : parseTraces(reader, readSecretFile);
  const metrics = parseMetrics(reader);
  const elasticsearch = parseElasticsearch(reader, apiKey);
  const correlation = reader.readOrDefault('FAULTLINE_LOG_CORRELATION', boolean, true, 'true, false');
  const redactKeys = reader.readOrDefault(
    'FAULTLINE_REDACT_KEYS',
    commaList,
    [],
    'a comma-separated list of field names',
  );
  const shutdownTimeoutMs = reader.readOrDefault(
    'FAULTLINE_SHUTDOWN_TIMEOUT_MS',
    integer(0, 60_000),
    3000,
    'milliseconds from 0 to 60000',
  );
  return {
    service,
    traces,
    metrics,
    logs: { correlation, elasticsearch },
    redactKeys,
    shutdownTimeoutMs,
    issues: reader.issues,
  };
}

function readSecret(reader: EnvReader, name: string, readFile: (path: string) => string): string | undefined {
  const direct = reader.raw(name);
  if (direct !== undefined) return direct;
  const path = reader.raw(`${name}_FILE`);
  if (path === undefined) return undefined;
  try {
    return readFile(path).trim();
  } catch {
    reader.issues.push({
      variable: `${name}_FILE`,
      value: path,
      accepted: 'the path of a readable file holding the secret',
      consequence: 'connecting without it',
    });
    return undefined;
  }
}

/** One line per issue, as printed at start-up: variable, value, what is accepted, what happens. */
export function describeIssue(issue: FaultlineConfig['issues'][number]): string {
  return `faultline: invalid ${issue.variable}="${issue.value}": accepted ${issue.accepted}; ${issue.consequence}`;
}
