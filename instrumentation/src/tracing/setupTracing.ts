/**
 * Wires the OpenTelemetry API to Faultline's trace pipeline: context manager, W3C propagators,
 * a tracer provider with the configured sampler and resource, and the bounded batch processor
 * in front of the one exporter the configuration names.
 */
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ServiceIdentity, TracesEnabled } from '../config/types.ts';
import type { Runtime } from '../runtime.ts';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import { AsyncLocalContextManager } from './AsyncLocalContextManager.ts';
import { BoundedBatchSpanProcessor, type SpanTransform } from './BoundedBatchSpanProcessor.ts';
import { loadExporter } from './loadExporter.ts';
import { createResource } from './resource.ts';
import { createSampler } from './sampler.ts';

/** The running trace pipeline. */
export interface Tracing {
  readonly tracer: Tracer;
  readonly contextManager: AsyncLocalContextManager;
  readonly processor: BoundedBatchSpanProcessor;
  readonly provider: BasicTracerProvider;
}

/** Builds the pipeline and registers it as the process's global OpenTelemetry API backend. */
export function setupTracing(
  config: TracesEnabled,
  service: ServiceIdentity,
  runtime: Pick<Runtime, 'metrics' | 'log'>,
  transform: SpanTransform | undefined,
): Tracing {
  const contextManager = new AsyncLocalContextManager();
  const processor = new BoundedBatchSpanProcessor(
    loadExporter(config),
    {
      maxQueueSize: config.maxQueueSize,
      maxExportBatchSize: config.maxExportBatchSize,
      scheduleDelayMs: config.scheduleDelayMs,
      exportTimeoutMs: config.timeoutMs,
    },
    { metrics: runtime.metrics, log: runtime.log, transform },
  );
  const provider = new BasicTracerProvider({
    resource: createResource(service),
    sampler: createSampler(config.sampler),
    spanProcessors: [processor],
  });
  context.setGlobalContextManager(contextManager);
  const propagators = config.propagators.map((name) =>
    name === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
  );
  propagation.setGlobalPropagator(new CompositePropagator({ propagators }));
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer(INSTRUMENTATION_SCOPE.name, INSTRUMENTATION_SCOPE.version),
    contextManager,
    processor,
    provider,
  };
}

/** Unregisters the global API backends (after shutdown, or in tests). */
export function teardownTracing(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}
