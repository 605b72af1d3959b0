/**
 * The OpenTelemetry Collector built from collector/builder-config.yaml, running the project's
 * own collector/otel-collector.yaml on loopback ports (the config's `${env:...}` settings).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from './config.ts';
import { COLLECTOR_CONFIG, collectorPath } from './binaries.ts';
import { freePort } from './ports.ts';
import { answers, startBackend, type BackendProcess } from './process.ts';

/** Options of {@link startCollector}. */
export interface CollectorOptions {
  /** Where Jaeger receives OTLP/gRPC (`host:port`). */
  jaegerOtlpEndpoint: string;
  /** Directory for the log file. */
  dir: string;
  /** Overrides the probabilistic policy's share of traces that are neither errors nor slow. */
  samplingPercentage?: number;
  /** `false` turns the exporter's retries off, so a failed send counts at once (default: as configured). */
  exportRetry?: boolean;
  /** Ports to listen on (default: free ones); pass a stopped Collector's `ports` to restart it in place. */
  ports?: Partial<CollectorPorts>;
}

/** The ports a Collector listens on. */
export interface CollectorPorts {
  grpc: number;
  http: number;
  health: number;
  metrics: number;
}

/** A running Collector. */
export interface RunningCollector {
  /** OTLP/HTTP base URL (what `OTEL_EXPORTER_OTLP_ENDPOINT` is set to). */
  readonly otlpHttpUrl: string;
  /** OTLP/gRPC `host:port`. */
  readonly otlpGrpcEndpoint: string;
  /** The Collector's own Prometheus metrics. */
  readonly metricsUrl: string;
  readonly ports: CollectorPorts;
  readonly process: BackendProcess;
  stop(): Promise<void>;
}

/** The environment the config reads, for the given ports. */
export function collectorEnv(
  ports: CollectorPorts & {
    jaegerOtlpEndpoint: string;
    samplingPercentage?: number;
    exportRetry?: boolean;
  },
): Record<string, string> {
  return {
    COLLECTOR_OTLP_GRPC_ENDPOINT: `127.0.0.1:${ports.grpc}`,
    COLLECTOR_OTLP_HTTP_ENDPOINT: `127.0.0.1:${ports.http}`,
    COLLECTOR_HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
    COLLECTOR_METRICS_HOST: '127.0.0.1',
    COLLECTOR_METRICS_PORT: String(ports.metrics),
    JAEGER_OTLP_ENDPOINT: ports.jaegerOtlpEndpoint,
    ...(ports.samplingPercentage === undefined
      ? {}
      : { COLLECTOR_SAMPLING_PERCENTAGE: String(ports.samplingPercentage) }),
    ...(ports.exportRetry === undefined ? {} : { COLLECTOR_EXPORT_RETRY: String(ports.exportRetry) }),
  };
}

/**
 * Runs `otelcol validate` on `configFile` (default: the project's) with `env`; resolves with
 * the Collector's complaint, or undefined when it accepts the file.
 */
export async function validateCollectorConfig(
  configFile = COLLECTOR_CONFIG,
  env: Record<string, string> = {},
): Promise<string | undefined> {
  try {
    await promisify(execFile)(collectorPath(), ['validate', `--config=${configFile}`], {
      env: childEnv(env),
    });
    return undefined;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    return (stderr || message).trim();
  }
}

/** Starts the Collector and resolves once its health check answers. */
export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const chosen = options.ports ?? {};
  const grpc = chosen.grpc ?? (await freePort());
  const http = chosen.http ?? (await freePort());
  const health = chosen.health ?? (await freePort());
  const metrics = chosen.metrics ?? (await freePort());
  const env = collectorEnv({ grpc, http, health, metrics, ...options });
  const process = await startBackend({
    name: 'otel-collector',
    command: collectorPath(),
    args: [`--config=${COLLECTOR_CONFIG}`],
    env,
    logFile: path.join(options.dir, 'otel-collector.log'),
    ready: () => answers(`http://127.0.0.1:${health}/`),
  });
  return {
    otlpHttpUrl: `http://127.0.0.1:${http}`,
    otlpGrpcEndpoint: `127.0.0.1:${grpc}`,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    ports: { grpc, http, health, metrics },
    process,
    stop: () => process.stop(),
  };
}

/**
 * Sends one span with an error status (which the tail sampler's `status_code` policy keeps) to a
 * Collector's OTLP/HTTP endpoint as JSON, on behalf of `serviceName`; resolves with its trace
 * id. Throws, naming the status, when the Collector does not accept it.
 */
export async function sendFailedSpan(otlpHttpUrl: string, serviceName: string): Promise<string> {
  const traceId = randomBytes(16).toString('hex');
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    name: 'charge',
    kind: 2,
    startTimeUnixNano: String(now - 5_000_000n),
    endTimeUnixNano: String(now),
    status: { code: 2, message: 'provider down' },
  };
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: serviceName } }] },
        scopeSpans: [{ scope: { name: serviceName }, spans: [span] }],
      },
    ],
  };
  const response = await fetch(`${otlpHttpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) {
    throw new Error(`the Collector at ${otlpHttpUrl} answered ${response.status} to a span`);
  }
  return traceId;
}
