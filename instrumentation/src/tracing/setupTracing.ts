/**
 * Wires the OpenTelemetry API to Faultline's trace pipeline: context manager, W3C propagators,
 * and a tracer provider with the configured sampler whose spans are redacted and encoded for the
 * configured OTLP protocol (HTTP with protobuf or JSON, or gRPC) as they end, then exported in bounded batches.
 */
import { context, propagation, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { ServiceIdentity, TracesEnabled } from '../config/types.ts';
import type { Runtime } from '../runtime.ts';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import { AsyncLocalContextManager } from './AsyncLocalContextManager.ts';
import { FaultlineTracerProvider } from './FaultlineTracer.ts';
import { jsonEncoding } from './otlp/json.ts';
import { OtlpGrpcSender } from './otlp/OtlpGrpcSender.ts';
import { OtlpHttpSender } from './otlp/OtlpHttpSender.ts';
import { protobufEncoding } from './otlp/protobuf.ts';
import { createResource } from './resource.ts';
import { createSampler } from './sampler.ts';
import { SpanExportQueue } from './SpanExportQueue.ts';

/** The running trace pipeline. */
export interface Tracing {
  readonly tracer: Tracer;
  readonly contextManager: AsyncLocalContextManager;
  readonly queue: SpanExportQueue;
  readonly provider: FaultlineTracerProvider;
  readonly propagator: CompositePropagator;
  /** Closes the exporter's kept-alive connection. */
  close(): void;
}

/** Builds the pipeline and registers it as the process's global OpenTelemetry API backend. */
export function setupTracing(
  config: TracesEnabled,
  service: ServiceIdentity,
  runtime: Pick<Runtime, 'metrics' | 'log'>,
  redact: (attributes: Attributes) => Attributes,
): Tracing {
  const contextManager = new AsyncLocalContextManager();
  const resource = createResource(service);
  const encoding = config.protocol === 'http/json' ? jsonEncoding(resource) : protobufEncoding(resource);
  const senderOptions = {
    url: config.url,
    contentType: encoding.contentType,
    headers: config.headers,
    timeoutMs: config.timeoutMs,
    compression: config.compression,
    tls: config.tls,
  };
  const sender =
    config.protocol === 'grpc' ? new OtlpGrpcSender(senderOptions) : new OtlpHttpSender(senderOptions);
  const queue = new SpanExportQueue(
    encoding,
    (body) => sender.send(body),
    {
      maxQueueSize: config.maxQueueSize,
      maxExportBatchSize: config.maxExportBatchSize,
      scheduleDelayMs: config.scheduleDelayMs,
    },
    { metrics: runtime.metrics, log: runtime.log, redact },
  );
  const provider = new FaultlineTracerProvider(createSampler(config.sampler), queue, config.limits);
  context.setGlobalContextManager(contextManager);
  const propagators = config.propagators.map((name) =>
    name === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
  );
  const propagator = new CompositePropagator({ propagators });
  propagation.setGlobalPropagator(propagator);
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer(INSTRUMENTATION_SCOPE.name, INSTRUMENTATION_SCOPE.version),
    contextManager,
    queue,
    provider,
    propagator,
    close: () => sender.close(),
  };
}

/** Unregisters the global API backends (after shutdown, or in tests). */
export function teardownTracing(): void {
  trace.disable();
  context.disable();
  propagation.disable();
}
