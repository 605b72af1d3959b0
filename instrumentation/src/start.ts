/**
 * `start()` and `shutdown()`: the lifecycle of Faultline in a process. Every step is guarded:
 * a failure to set up one signal is logged in one line and the others, and the app, carry on.
 */
import type { Server } from 'node:http';
import { processEnv, readSecretFile } from './config/environment.ts';
import { describeIssue, parseConfig } from './config/parseConfig.ts';
import type { Env } from './config/readers.ts';
import type { FaultlineConfig } from './config/types.ts';
import { HttpClientInstrumentation } from './http/HttpClientInstrumentation.ts';
import { HttpServerInstrumentation } from './http/HttpServerInstrumentation.ts';
import { flushBeforeExit } from './lifecycle/beforeExit.ts';
import { flushOnSignals } from './lifecycle/signals.ts';
import { enableLibraryInstrumentations, type LibraryInstrumentations } from './lifecycle/libraries.ts';
import { MetricsServer } from './metrics/MetricsServer.ts';
import { createRuntime, peekRuntime, setRuntime, type Runtime } from './runtime.ts';
import { createRedactor } from './redaction/createRedactor.ts';
import {
  foreignProviderRegistered,
  watchForeignRegistrations,
  type ForeignRegistration,
} from './tracing/foreignProvider.ts';
import { setupTracing, teardownTracing, type Tracing } from './tracing/setupTracing.ts';

/** Options of {@link start}; each overrides the environment variable it names. */
export interface StartOptions {
  /** Variables read instead of `process.env` (merged over it). */
  readonly env?: Env;
  /** `OTEL_SERVICE_NAME`. */
  readonly serviceName?: string;
  /** `FAULTLINE_METRICS_PORT` (0 picks a free port). */
  readonly metricsPort?: number;
  /** `FAULTLINE_METRICS_HOST`. */
  readonly metricsHost?: string;
  /** Install the SIGTERM/SIGINT flush (default true). */
  readonly handleSignals?: boolean;
}

/** A started Faultline. */
export interface FaultlineHandle {
  readonly config: FaultlineConfig;
  /** Resolves once the metrics endpoint listens, with its URL (undefined when off or unbound). */
  readonly ready: Promise<{ readonly metricsUrl: string | undefined }>;
  /** Flushes and stops everything; bounded by `FAULTLINE_SHUTDOWN_TIMEOUT_MS`. */
  shutdown(): Promise<void>;
}

interface Started extends FaultlineHandle {
  readonly runtime: Runtime;
}

const KEY = Symbol.for('faultline.started');

/** The one line saying what Faultline did when the app brought its own OpenTelemetry setup. */
const STEPPED_ASIDE = (what: ForeignRegistration): string =>
  `faultline: the app registered its own OpenTelemetry ${what}; tracing, context and propagation are left to it (Faultline creates no spans and injects no traceparent of its own), metrics and log correlation continue`;
type Holder = { [KEY]?: Started };

function guarded<T>(runtime: Runtime, what: string, step: () => T): T | undefined {
  try {
    return step();
  } catch (error) {
    runtime.log.log('error', `faultline: ${what} not started: ${(error as Error).message}`, {
      'event.action': 'faultline.start_failed',
      'error.message': (error as Error).message,
    });
    return undefined;
  }
}

function buildEnv(options: StartOptions): Env {
  const env: Record<string, string | undefined> = { ...processEnv(), ...options.env };
  if (options.serviceName !== undefined) env.OTEL_SERVICE_NAME = options.serviceName;
  if (options.metricsPort !== undefined) env.FAULTLINE_METRICS_PORT = String(options.metricsPort);
  if (options.metricsHost !== undefined) env.FAULTLINE_METRICS_HOST = options.metricsHost;
  return env;
}

/**
 * Starts traces, metrics and logs for this process from the environment (and `options`).
 * Calling it again returns the running instance. Never throws: configuration problems are
 * printed one per line on stderr and turn off only the signal they concern.
 */
export function start(options: StartOptions = {}): FaultlineHandle {
  const holder = globalThis as Holder;
  if (holder[KEY]) return holder[KEY];
  const config = parseConfig(buildEnv(options), readSecretFile);
  for (const issue of config.issues) process.stderr.write(`${describeIssue(issue)}\n`);
  const previous = peekRuntime();
  const fresh = createRuntime(config);
  // Metrics created before start() (a breaker instrumented at import time) stay on the endpoint.
  const runtime: Runtime = previous ? { ...fresh, metrics: previous.metrics, log: previous.log } : fresh;
  setRuntime(runtime);

  const redactor = createRedactor({ extraKeys: config.redactKeys });
  const traces = config.traces;
  // An app that registered its own tracer provider before Faultline started keeps it.
  const appOwnsTracing = traces.enabled && foreignProviderRegistered();
  if (appOwnsTracing) process.stderr.write(`${STEPPED_ASIDE('tracer provider')}\n`);
  const tracing =
    traces.enabled && !appOwnsTracing
      ? guarded(runtime, 'tracing', () =>
          setupTracing(traces, config.service, runtime, (attributes) =>
            redactor.redactAttributes(attributes),
          ),
        )
      : undefined;
  const ignoredServers = new Set<Server>();
  const server = guarded(runtime, 'HTTP server instrumentation', () => {
    const instrumentation = new HttpServerInstrumentation({
      metrics: runtime.metrics,
      tracing: tracing && { tracer: tracing.tracer, contextManager: tracing.contextManager },
      ignoredServers,
    });
    instrumentation.enable();
    return instrumentation;
  });
  const client = guarded(runtime, 'HTTP client instrumentation', () => {
    const instrumentation = new HttpClientInstrumentation({
      metrics: runtime.metrics,
      tracer: tracing?.tracer,
    });
    instrumentation.enable();
    return instrumentation;
  });
  const libraries = guarded(runtime, 'library instrumentations', () =>
    enableLibraryInstrumentations(config, runtime, redactor),
  );
  let steppedAside = false;
  const stopWatching = tracing
    ? watchForeignRegistrations(tracing, (what) => {
        steppedAside = true;
        server?.dropTracing();
        client?.dropTracing();
        libraries?.dropTracing();
        process.stderr.write(`${STEPPED_ASIDE(what)}\n`);
      })
    : () => undefined;
  const metricsServer = config.metrics.enabled ? new MetricsServer(runtime.metrics, runtime.log) : undefined;
  if (metricsServer) ignoredServers.add(metricsServer.server);
  const ready = (async () => ({
    metricsUrl:
      metricsServer && config.metrics.enabled
        ? await metricsServer.listen(config.metrics.host, config.metrics.port)
        : undefined,
  }))();

  let stopped: Promise<void> | undefined;
  const removeSignals =
    options.handleSignals === false
      ? () => undefined
      : combine(
          flushOnSignals(() => flush(tracing, libraries, config, 'flush')),
          flushBeforeExit(
            () => (tracing?.queue.queued ?? 0) > 0,
            () => flush(tracing, libraries, config, 'flush'),
          ),
        );
  const started: Started = {
    config,
    runtime,
    ready,
    shutdown: () => {
      stopped ??= (async () => {
        removeSignals();
        stopWatching();
        server?.disable();
        client?.disable();
        await flush(tracing, libraries, config, 'shutdown');
        libraries?.disable();
        await metricsServer?.close();
        if (tracing) {
          tracing.close();
          // The globals are the app's once Faultline stepped aside: they stay registered.
          if (!steppedAside) teardownTracing();
        }
        delete holder[KEY];
      })();
      return stopped;
    },
  };
  holder[KEY] = started;
  return started;
}

/**
 * Exports what spans and logs are buffered, in parallel, giving up (and counting what is left)
 * after the shutdown timeout. `shutdown` also stops the log shipper for good.
 */
async function flush(
  tracing: Tracing | undefined,
  libraries: LibraryInstrumentations | undefined,
  config: FaultlineConfig,
  mode: 'flush' | 'shutdown',
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs);
    timer.unref();
  });
  // A signal only flushes: an app with its own handler keeps running its graceful drain, whose
  // spans must still be exported (on beforeExit, or by the next flush).
  const work = Promise.allSettled([
    mode === 'shutdown' ? tracing?.queue.shutdown() : tracing?.queue.forceFlush(),
    mode === 'shutdown'
      ? libraries?.shutdown(config.shutdownTimeoutMs)
      : libraries?.flush(config.shutdownTimeoutMs),
  ]);
  const outcome = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout' && mode === 'shutdown') tracing?.queue.abandon();
}

function combine(...removers: (() => void)[]): () => void {
  return () => {
    for (const remove of removers) remove();
  };
}

/** Stops the running Faultline, if any (see {@link FaultlineHandle.shutdown}). */
export async function shutdown(): Promise<void> {
  await (globalThis as Holder)[KEY]?.shutdown();
}
