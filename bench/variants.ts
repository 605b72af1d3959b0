/**
 * The ways a bench service is started: bare; with Faultline (defaults and traces off); with the
 * agents users pick instead, each at its documented defaults with tracing on (dd-trace, Elastic's
 * EDOT Node, elastic-apm-node, @sentry/node, the OpenTelemetry auto-instrumentations); and, on
 * request, two hand-written references (the OpenTelemetry SDK with only the http and express
 * instrumentations, bench/app/otel-http-express.cjs, and prom-client metrics,
 * bench/app/prom-client-only.cjs). Each says how to start the app, which environment it gets and
 * which protocol its traces arrive in. The only settings changed from an agent's defaults keep it
 * on loopback: its exporter points at the local sink, and telemetry, remote configuration and
 * cloud-metadata probes that would leave the machine are off.
 */
import { join } from 'node:path';
import { BASELINE_REV, baselineRegister } from './baseline.ts';
import type { ProtocolId } from './protocols/protocol.ts';

/** Identifiers of the variants, in report order. */
export type VariantId =
  | 'bare'
  | 'faultline'
  | 'faultline-traces-off'
  | 'dd-trace'
  | 'edot'
  | 'elastic-apm'
  | 'sentry'
  | 'otel-defaults'
  | 'otel-http-express'
  | 'prom-client-only'
  | 'faultline-baseline'
  | 'calibration';

/** What a variant is in the comparison. */
export type VariantRole = 'bare' | 'faultline' | 'peer' | 'reference';

/** Where the app's telemetry goes. */
export interface Backends {
  /** Base URL of the local sink (every protocol), or of a closed port. */
  readonly sinkUrl: string;
  /** Elasticsearch URL for log shipping (undefined: not configured). */
  readonly elasticsearchUrl: string | undefined;
}

/** A module loaded before the app, with the flag its documentation gives. */
export interface Preload {
  readonly flag: '--require' | '--import';
  /** A path or a package specifier (resolved from the repository root). */
  readonly module: string;
}

/** A way to start a bench service. */
export interface Variant {
  readonly id: VariantId;
  readonly label: string;
  readonly role: VariantRole;
  readonly preload: readonly Preload[];
  /** Packages whose versions are printed beside the variant's rows. */
  readonly packages: readonly string[];
  /** Faultline serves /metrics with its self-telemetry counters. */
  readonly hasFaultlineMetrics: boolean;
  /** The protocol its traces reach the sink in (undefined: it exports no traces). */
  readonly traces: ProtocolId | undefined;
  /** The hand-written references only make sense on the express shape. */
  readonly expressOnly: boolean;
  env(backends: Backends, metricsPort: number): Record<string, string>;
}

const SERVICE = 'bench-app';
/** Resource detectors without the cloud ones, which probe metadata endpoints off the machine. */
const LOCAL_DETECTORS = 'env,host,os,process,serviceinstance';

const faultlineEnv = (backends: Backends, metricsPort: number): Record<string, string> => ({
  OTEL_SERVICE_NAME: SERVICE,
  OTEL_EXPORTER_OTLP_ENDPOINT: backends.sinkUrl,
  FAULTLINE_METRICS_PORT: String(metricsPort),
  FAULTLINE_METRICS_HOST: '127.0.0.1',
  ...(backends.elasticsearchUrl ? { FAULTLINE_ELASTICSEARCH_URL: backends.elasticsearchUrl } : {}),
});

type VariantSpec = Omit<Variant, 'id' | 'hasFaultlineMetrics' | 'expressOnly'> &
  Partial<Pick<Variant, 'hasFaultlineMetrics' | 'expressOnly'>>;

function peers(): Record<'dd-trace' | 'edot' | 'elastic-apm' | 'sentry' | 'otel-defaults', VariantSpec> {
  return {
    'dd-trace': {
      label: 'dd-trace defaults',
      role: 'peer',
      preload: [{ flag: '--require', module: 'dd-trace/init' }],
      packages: ['dd-trace'],
      traces: 'datadog',
      env: (backends) => ({
        DD_SERVICE: SERVICE,
        DD_TRACE_AGENT_URL: backends.sinkUrl,
        DD_INSTRUMENTATION_TELEMETRY_ENABLED: 'false',
        DD_REMOTE_CONFIGURATION_ENABLED: 'false',
      }),
    },
    edot: {
      label: 'EDOT Node defaults',
      role: 'peer',
      preload: [{ flag: '--import', module: '@elastic/opentelemetry-node' }],
      packages: ['@elastic/opentelemetry-node'],
      traces: 'otlp',
      env: (backends) => ({
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_EXPORTER_OTLP_ENDPOINT: backends.sinkUrl,
        OTEL_NODE_RESOURCE_DETECTORS: `${LOCAL_DETECTORS},container`,
      }),
    },
    'elastic-apm': {
      label: 'elastic-apm-node defaults',
      role: 'peer',
      preload: [{ flag: '--require', module: 'elastic-apm-node/start' }],
      packages: ['elastic-apm-node'],
      traces: 'elastic-apm',
      env: (backends) => ({
        ELASTIC_APM_SERVICE_NAME: SERVICE,
        ELASTIC_APM_SERVER_URL: backends.sinkUrl,
        ELASTIC_APM_CENTRAL_CONFIG: 'false',
        ELASTIC_APM_CLOUD_PROVIDER: 'none',
      }),
    },
    sentry: {
      label: '@sentry/node (tracesSampleRate 1)',
      role: 'peer',
      preload: [{ flag: '--import', module: './bench/app/sentry-init.mjs' }],
      packages: ['@sentry/node'],
      traces: 'sentry',
      env: (backends) => ({ SENTRY_DSN: backends.sinkUrl.replace('//', '//bench@') + '/1' }),
    },
    'otel-defaults': {
      label: 'OTel auto-instrumentations defaults',
      role: 'peer',
      preload: [{ flag: '--require', module: '@opentelemetry/auto-instrumentations-node/register' }],
      packages: ['@opentelemetry/auto-instrumentations-node'],
      traces: 'otlp',
      env: (backends) => ({
        OTEL_SERVICE_NAME: SERVICE,
        OTEL_EXPORTER_OTLP_ENDPOINT: backends.sinkUrl,
        OTEL_NODE_RESOURCE_DETECTORS: LOCAL_DETECTORS,
      }),
    },
  };
}

function references(root: string): Record<'otel-http-express' | 'prom-client-only', VariantSpec> {
  const app = (file: string): string => join(root, 'bench', 'app', file);
  return {
    'otel-http-express': {
      label: 'OTel HTTP + express instrumentation only',
      role: 'reference',
      preload: [{ flag: '--require', module: app('otel-http-express.cjs') }],
      packages: ['@opentelemetry/sdk-trace-node'],
      traces: 'otlp',
      expressOnly: true,
      env: (backends) => ({ OTEL_SERVICE_NAME: SERVICE, OTEL_EXPORTER_OTLP_ENDPOINT: backends.sinkUrl }),
    },
    'prom-client-only': {
      label: 'prom-client only',
      role: 'reference',
      preload: [{ flag: '--require', module: app('prom-client-only.cjs') }],
      packages: ['prom-client'],
      traces: undefined,
      expressOnly: true,
      env: (_backends, metricsPort) => ({ METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1' }),
    },
  };
}

/** Work the calibration variant does per request, µs (bench/app/busy-loop.cjs). */
export const CALIBRATION_BUSY_US = 10;

/**
 * The two rows that make the others readable on any machine (express only): Faultline's build at
 * the baseline commit (bench/baseline.ts), and bare plus a fixed amount of pure CPU work.
 */
function yardsticks(root: string): Record<'faultline-baseline' | 'calibration', VariantSpec> {
  return {
    'faultline-baseline': {
      label: `Faultline defaults at ${BASELINE_REV.slice(0, 7)} (the issues' figures)`,
      role: 'reference',
      preload: [{ flag: '--require', module: baselineRegister(root) }],
      packages: [],
      hasFaultlineMetrics: true,
      traces: 'otlp',
      expressOnly: true,
      env: faultlineEnv,
    },
    calibration: {
      label: `bare + ${CALIBRATION_BUSY_US} µs of CPU work per request`,
      role: 'reference',
      preload: [{ flag: '--require', module: join(root, 'bench', 'app', 'busy-loop.cjs') }],
      packages: [],
      traces: undefined,
      expressOnly: true,
      env: () => ({ BENCH_BUSY_US: String(CALIBRATION_BUSY_US) }),
    },
  };
}

/** Every variant, given the repository root. */
export function variants(root: string): Record<VariantId, Variant> {
  const register = {
    flag: '--require',
    module: join(root, 'instrumentation', 'dist', 'register.js'),
  } as const;
  const specs: Record<VariantId, VariantSpec> = {
    bare: { label: 'bare', role: 'bare', preload: [], packages: [], traces: undefined, env: () => ({}) },
    faultline: {
      label: 'Faultline defaults',
      role: 'faultline',
      preload: [register],
      packages: ['@faultline/instrumentation'],
      hasFaultlineMetrics: true,
      traces: 'otlp',
      env: faultlineEnv,
    },
    'faultline-traces-off': {
      label: 'Faultline, traces off',
      role: 'faultline',
      preload: [register],
      packages: ['@faultline/instrumentation'],
      hasFaultlineMetrics: true,
      traces: undefined,
      env: (backends, metricsPort) => ({
        ...faultlineEnv(backends, metricsPort),
        OTEL_TRACES_EXPORTER: 'none',
      }),
    },
    ...peers(),
    ...references(root),
    ...yardsticks(root),
  };
  return Object.fromEntries(
    Object.entries(specs).map(([id, spec]) => [
      id,
      { hasFaultlineMetrics: false, expressOnly: false, ...spec, id: id as VariantId },
    ]),
  ) as Record<VariantId, Variant>;
}

/** The variants of a default run, in report order (the references only with --references). */
export const DEFAULT_VARIANTS: readonly VariantId[] = [
  'bare',
  'faultline',
  'faultline-traces-off',
  'dd-trace',
  'edot',
  'elastic-apm',
  'sentry',
  'otel-defaults',
];

/** The yardsticks, in a default run beside the agents (express only; see {@link yardsticks}). */
export const YARDSTICK_VARIANTS: readonly VariantId[] = ['faultline-baseline', 'calibration'];

/** The hand-written references, added by --references. */
export const REFERENCE_VARIANTS: readonly VariantId[] = ['otel-http-express', 'prom-client-only'];

/** The environment every variant shares: nothing inherited from npm beyond PATH and HOME. */
export function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
  };
}
