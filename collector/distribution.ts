/**
 * The Collector build Faultline runs: the image tag docker-compose.yml must use, and the
 * component types that build contains (the subset Faultline may use, transcribed from the
 * `otelcol-contrib` distribution manifest of the opentelemetry-collector-releases repository
 * for this version). `tail_sampling` is contrib-only, which is why the core image will not do.
 */
export const COLLECTOR_VERSION = '0.136.0';

/** The pinned image; docker-compose.yml must reference exactly this. */
export const COLLECTOR_IMAGE = `otel/opentelemetry-collector-contrib:${COLLECTOR_VERSION}`;

/** Component types present in the pinned contrib distribution, by kind. */
export const distributionComponents = {
  receivers: ['otlp', 'nop', 'prometheus', 'filelog', 'hostmetrics'],
  processors: [
    'memory_limiter',
    'batch',
    'tail_sampling',
    'probabilistic_sampler',
    'attributes',
    'resource',
    'filter',
    'transform',
  ],
  exporters: ['otlp', 'otlphttp', 'debug', 'nop', 'prometheus', 'elasticsearch'],
  extensions: ['health_check', 'pprof', 'zpages'],
  connectors: ['forward', 'spanmetrics'],
} as const;

/** A kind of component in the Collector's configuration. */
export type ComponentKind = keyof typeof distributionComponents;
