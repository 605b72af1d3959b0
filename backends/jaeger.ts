/**
 * Jaeger v2 (built from its module at the pinned release) with in-memory storage, receiving
 * OTLP/gRPC and answering its query API on loopback ports (backends/jaeger.yaml).
 */
import path from 'node:path';
import { programPath } from './binaries.ts';
import { repoRoot } from './repoRoot.ts';
import { freePort } from './ports.ts';
import { answers, startBackend, type BackendProcess } from './process.ts';

/** A running Jaeger. */
export interface RunningJaeger {
  /** Where it receives OTLP/gRPC (`host:port`). */
  readonly otlpGrpcEndpoint: string;
  /** Base URL of the query API and UI (`/api/traces/{id}`, `/api/services`, ...). */
  readonly queryUrl: string;
  readonly metricsUrl: string;
  readonly ports: JaegerPorts;
  readonly process: BackendProcess;
  stop(): Promise<void>;
}

/** The ports a Jaeger listens on. */
export interface JaegerPorts {
  otlp: number;
  query: number;
  queryGrpc: number;
  health: number;
  metrics: number;
}

/**
 * Starts Jaeger and resolves once its query API answers; `dir` receives the log. `ports`
 * (default: free ones) fixes some or all ports, or restarts a stopped Jaeger in place.
 */
export async function startJaeger(options: {
  dir: string;
  ports?: Partial<JaegerPorts>;
}): Promise<RunningJaeger> {
  const chosen = options.ports ?? {};
  const otlp = chosen.otlp ?? (await freePort());
  const query = chosen.query ?? (await freePort());
  const queryGrpc = chosen.queryGrpc ?? (await freePort());
  const health = chosen.health ?? (await freePort());
  const metrics = chosen.metrics ?? (await freePort());
  const queryUrl = `http://127.0.0.1:${query}`;
  const process = await startBackend({
    name: 'jaeger',
    command: programPath('jaeger', 'jaeger'),
    args: [`--config=${path.join(repoRoot(), 'backends', 'jaeger.yaml')}`],
    env: {
      JAEGER_OTLP_GRPC_PORT: String(otlp),
      JAEGER_QUERY_PORT: String(query),
      JAEGER_QUERY_GRPC_PORT: String(queryGrpc),
      JAEGER_HEALTH_PORT: String(health),
      JAEGER_METRICS_PORT: String(metrics),
    },
    logFile: path.join(options.dir, 'jaeger.log'),
    ready: () => answers(`${queryUrl}/api/services`),
  });
  return {
    otlpGrpcEndpoint: `127.0.0.1:${otlp}`,
    queryUrl,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    ports: { otlp, query, queryGrpc, health, metrics },
    process,
    stop: () => process.stop(),
  };
}
