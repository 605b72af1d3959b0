/**
 * The ways the bench service is started: bare, with Faultline (defaults and traces off), and
 * with the standard choices it is compared to: the OpenTelemetry auto-instrumentation at its
 * defaults, the OpenTelemetry SDK set up by hand with only the http and express
 * instrumentations (bench/app/otel-http-express.cjs), and hand-written prom-client metrics
 * (bench/app/prom-client-only.cjs). Each says how to start the app and which environment it
 * gets; backends are passed in so the same variant can run against healthy or unreachable ones.
 */
import { join } from 'node:path';

/** Identifiers of the variants, in report order. */
export type VariantId =
  'bare' | 'faultline' | 'faultline-traces-off' | 'otel-defaults' | 'otel-http-express' | 'prom-client-only';

/** Where the app's telemetry goes. */
export interface Backends {
  /** OTLP/HTTP base URL. */
  readonly otlpUrl: string;
  /** Elasticsearch URL for log shipping (undefined: not configured). */
  readonly elasticsearchUrl: string | undefined;
}

/** A way to start the bench service. */
export interface Variant {
  readonly id: VariantId;
  readonly label: string;
  /** Modules preloaded with --require. */
  readonly preload: readonly string[];
  /** Faultline serves /metrics with its self-telemetry counters. */
  readonly hasFaultlineMetrics: boolean;
  /** The app exports traces (so spans per request are counted). */
  readonly exportsTraces: boolean;
  env(backends: Backends, metricsPort: number): Record<string, string>;
}

const SERVICE = 'bench-app';

/** Every variant, given the repository root. */
export function variants(root: string): Record<VariantId, Variant> {
  const register = join(root, 'instrumentation', 'dist', 'register.js');
  // The package's `./register` export, as --require resolves it for a CommonJS app.
  const otelRegister = join(
    root,
    'node_modules/@opentelemetry/auto-instrumentations-node/build/src/register.js',
  );
  const app = (file: string): string => join(root, 'bench', 'app', file);
  const faultlineEnv = (backends: Backends, metricsPort: number): Record<string, string> => ({
    OTEL_SERVICE_NAME: SERVICE,
    OTEL_EXPORTER_OTLP_ENDPOINT: backends.otlpUrl,
    FAULTLINE_METRICS_PORT: String(metricsPort),
    FAULTLINE_METRICS_HOST: '127.0.0.1',
    ...(backends.elasticsearchUrl ? { FAULTLINE_ELASTICSEARCH_URL: backends.elasticsearchUrl } : {}),
  });
  return {
    bare: {
      id: 'bare',
      label: 'bare',
      preload: [],
      hasFaultlineMetrics: false,
      exportsTraces: false,
      env: () => ({}),
    },
    faultline: {
      id: 'faultline',
      label: 'Faultline defaults',
      preload: [register],
      hasFaultlineMetrics: true,
      exportsTraces: true,
      env: faultlineEnv,
    },
    'faultline-traces-off': {
      id: 'faultline-traces-off',
      label: 'Faultline, traces off',
      preload: [register],
      hasFaultlineMetrics: true,
      exportsTraces: false,
      env: (backends, metricsPort) => ({
        ...faultlineEnv(backends, metricsPort),
        OTEL_TRACES_EXPORTER: 'none',
      }),
    },
    'otel-defaults': {
      id: 'otel-defaults',
      label: 'OTel auto-instrumentation defaults',
      preload: [otelRegister],
      hasFaultlineMetrics: false,
      exportsTraces: true,
      env: (backends) => ({
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_EXPORTER_OTLP_ENDPOINT: backends.otlpUrl,
        // The one departure from the defaults: cloud detectors (aws, gcp, azure, alibaba) would
        // probe metadata endpoints off the machine, and the bench stays on loopback.
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance',
      }),
    },
    'otel-http-express': {
      id: 'otel-http-express',
      label: 'OTel HTTP + express instrumentation only',
      preload: [app('otel-http-express.cjs')],
      hasFaultlineMetrics: false,
      exportsTraces: true,
      env: (backends) => ({
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_EXPORTER_OTLP_ENDPOINT: backends.otlpUrl,
      }),
    },
    'prom-client-only': {
      id: 'prom-client-only',
      label: 'prom-client only',
      preload: [app('prom-client-only.cjs')],
      hasFaultlineMetrics: false,
      exportsTraces: false,
      env: (_backends, metricsPort) => ({
        METRICS_PORT: String(metricsPort),
        METRICS_HOST: '127.0.0.1',
      }),
    },
  };
}

/** The environment every variant shares: nothing inherited from npm beyond PATH and HOME. */
export function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
  };
}
