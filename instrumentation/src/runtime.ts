/**
 * The process-wide state of Faultline: configuration, metrics registry, tracer and self-logger.
 * It lives on `globalThis` under a registered symbol so that two copies of the package in one
 * process (an app's and a library's) share one registry and one `/metrics` endpoint.
 * `getRuntime()` creates it on first use from the environment, so the fault-tolerance helpers
 * work whether or not `start()` ran first; `start()` then adds the servers and exporters to it.
 */
import { trace, type Tracer } from '@opentelemetry/api';
import { processEnv, readSecretFile } from './config/environment.ts';
import { parseConfig } from './config/parseConfig.ts';
import type { FaultlineConfig } from './config/types.ts';
import { MetricsRegistry } from './metrics/MetricsRegistry.ts';
import { SelfLogger } from './logs/SelfLogger.ts';

/** Name and version of the instrumentation scope of every span Faultline creates. */
export const INSTRUMENTATION_SCOPE = { name: '@faultline/instrumentation', version: '0.1.0' } as const;

/** What every part of Faultline shares. */
export interface Runtime {
  readonly config: FaultlineConfig;
  readonly metrics: MetricsRegistry;
  readonly tracer: Tracer;
  readonly log: SelfLogger;
}

const KEY = Symbol.for('faultline.runtime');
type Holder = { [KEY]?: Runtime };

/** Builds a runtime from a parsed configuration (no servers, no exporters). */
export function createRuntime(config: FaultlineConfig): Runtime {
  const metrics = new MetricsRegistry({
    service: config.service.name,
    defaultMetrics: config.metrics.enabled && config.metrics.defaultMetrics,
  });
  return {
    config,
    metrics,
    // The API's proxy tracer forwards to whatever provider start() registers later.
    tracer: trace.getTracer(INSTRUMENTATION_SCOPE.name, INSTRUMENTATION_SCOPE.version),
    log: new SelfLogger(config.service),
  };
}

/** The process's runtime, created from the environment on first use. */
export function getRuntime(): Runtime {
  const holder = globalThis as Holder;
  holder[KEY] ??= createRuntime(parseConfig(processEnv(), readSecretFile));
  return holder[KEY];
}

/** Replaces the process's runtime (start() with explicit options, and tests). */
export function setRuntime(runtime: Runtime | undefined): void {
  const holder = globalThis as Holder;
  if (runtime === undefined) delete holder[KEY];
  else holder[KEY] = runtime;
}

/** The runtime if one exists, without creating it. */
export function peekRuntime(): Runtime | undefined {
  return (globalThis as Holder)[KEY];
}
