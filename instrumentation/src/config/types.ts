/**
 * The typed configuration Faultline runs on, produced once by {@link parseConfig} from the
 * environment. Each signal is either enabled with everything it needs, or disabled with the
 * reason, so no code path can hold a half-valid configuration.
 */

/** Wire encodings of the OTLP/HTTP trace exporter. */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** TLS material for the exporter's connection (PEM text), each optional. */
export interface OtlpTls {
  /** CA certificates to trust instead of the system's. */
  readonly ca: string | undefined;
  /** Client certificate and key, for mutual TLS. */
  readonly cert: string | undefined;
  readonly key: string | undefined;
}

/** Where and how spans are exported. */
export interface OtlpExporterConfig {
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly compression: 'gzip' | 'none';
  readonly tls: OtlpTls;
}

/** A sampler as `OTEL_TRACES_SAMPLER` names it, with its ratio where it takes one. */
export type SamplerConfig =
  | { readonly kind: 'always_on' | 'always_off' | 'parentbased_always_on' | 'parentbased_always_off' }
  | { readonly kind: 'traceidratio' | 'parentbased_traceidratio'; readonly ratio: number };

/** Why a signal is off. */
export type DisabledReason = 'disabled_by_config' | 'invalid_config' | 'sdk_disabled';

/** A signal that is off, with the reason. */
export interface Disabled {
  readonly enabled: false;
  readonly reason: DisabledReason;
}

/** Trace export settings. */
export interface TracesEnabled extends OtlpExporterConfig {
  readonly enabled: true;
  readonly sampler: SamplerConfig;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduleDelayMs: number;
  readonly propagators: readonly ('tracecontext' | 'baggage')[];
  readonly limits: SpanLimits;
}

/** What one span may hold (`OTEL_SPAN_*_LIMIT`, `OTEL_*_ATTRIBUTE_*_LIMIT`). */
export interface SpanLimits {
  readonly attributeCount: number;
  /** Longest string attribute value (or string array element) kept; Infinity when unlimited. */
  readonly attributeValueLength: number;
  readonly eventCount: number;
  readonly linkCount: number;
  readonly attributePerEventCount: number;
  readonly attributePerLinkCount: number;
}

/** Prometheus endpoint settings. */
export interface MetricsEnabled {
  readonly enabled: true;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly defaultMetrics: boolean;
}

/** Elasticsearch log shipping settings. */
export interface ElasticsearchEnabled {
  readonly enabled: true;
  readonly url: string;
  readonly index: string;
  readonly apiKey: string | undefined;
  readonly bufferSize: number;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly maxRetries: number;
}

/** Identity of the service, from which the resource and the `service` label are built. */
export interface ServiceIdentity {
  readonly name: string;
  readonly version: string | undefined;
  readonly instanceId: string;
  readonly namespace: string | undefined;
  readonly environment: string | undefined;
  /** Extra resource attributes from `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly attributes: Readonly<Record<string, string>>;
}

/** One configuration problem: the variable, the value given and what is accepted. */
export interface ConfigIssue {
  readonly variable: string;
  readonly value: string;
  readonly accepted: string;
  /** What Faultline does about it (the signal it turns off, or the default it uses). */
  readonly consequence: string;
}

/** The whole configuration. */
export interface FaultlineConfig {
  readonly service: ServiceIdentity;
  readonly traces: TracesEnabled | Disabled;
  readonly metrics: MetricsEnabled | Disabled;
  readonly logs: {
    /** Add trace.id, span.id and service.name to winston records written inside a span. */
    readonly correlation: boolean;
    readonly elasticsearch: ElasticsearchEnabled | Disabled;
  };
  /** Extra keys (case-insensitive) whose values are masked in logs and spans. */
  readonly redactKeys: readonly string[];
  readonly shutdownTimeoutMs: number;
  readonly issues: readonly ConfigIssue[];
}
