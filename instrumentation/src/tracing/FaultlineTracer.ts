/**
 * Faultline's implementation of the OpenTelemetry tracing API: a tracer provider whose tracers
 * start {@link RecordedSpan}s for sampled spans and the API's non-recording spans otherwise.
 * Anything written against `@opentelemetry/api` (the app, the pg and ioredis instrumentations)
 * works unchanged; what it saves over the SDK is the per-span machinery the bench measured:
 * processor chains, attribute sanitising copies, time arrays, and spans kept alive until export.
 */
import {
  INVALID_SPAN_CONTEXT,
  SpanKind,
  context as contextApi,
  isSpanContextValid,
  trace,
  type Attributes,
  type Context,
  type TimeInput,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { SpanLimits } from '../config/types.ts';
import { newSpanId, newTraceId } from './ids.ts';
import { RecordedSpan, type Scope, type SpanSink } from './RecordedSpan.ts';
import type { Sampler } from './sampler.ts';

/** Starts spans for one instrumentation scope. */
export class FaultlineTracer implements Tracer {
  readonly #scope: Scope;
  readonly #sampler: Sampler;
  readonly #sink: SpanSink;
  readonly #limits: SpanLimits;

  constructor(scope: Scope, sampler: Sampler, sink: SpanSink, limits: SpanLimits) {
    this.#scope = scope;
    this.#sampler = sampler;
    this.#sink = sink;
    this.#limits = limits;
  }

  startSpan(name: string, options: SpanOptions = {}, context: Context = contextApi.active()): Span {
    const span = this.#start(
      name,
      options.kind ?? SpanKind.INTERNAL,
      context,
      options.root === true,
      options.startTime,
      undefined,
    );
    if (span instanceof RecordedSpan) {
      // Links first, as the SDK adds them in the span's constructor before the attributes.
      if (options.links !== undefined) span.addLinks(options.links);
      if (options.attributes !== undefined) span.setAttributes(options.attributes);
    }
    return span;
  }

  /**
   * `startSpan` for Faultline's own instrumentations: `attributes` is a fresh object of
   * `attributeCount` valid values that the span takes over instead of copying, and `startTime` is
   * a `performance.now()` reading the caller already took.
   */
  startOwnedSpan(
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    attributeCount: number,
    context: Context,
    startTime: number,
  ): Span {
    return this.#start(name, kind, context, false, startTime, { attributes, count: attributeCount });
  }

  /** A recording span if sampled, else a non-recording one carrying the new span context. */
  #start(
    name: string,
    kind: SpanKind,
    context: Context,
    root: boolean,
    startTime: TimeInput | undefined,
    owned: { readonly attributes: Attributes; readonly count: number } | undefined,
  ): Span {
    if (isTracingSuppressed(context)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    let parent: SpanContext | undefined;
    if (!root) {
      const candidate = trace.getSpanContext(context);
      if (candidate !== undefined && isSpanContextValid(candidate)) parent = candidate;
    }
    const traceId = parent === undefined ? newTraceId() : parent.traceId;
    const sampled = this.#sampler(parent, traceId);
    const spanContext: SpanContext = {
      traceId,
      spanId: newSpanId(),
      traceFlags: sampled ? 1 : 0,
      traceState: parent?.traceState,
    };
    if (!sampled) return trace.wrapSpanContext(spanContext);
    return new RecordedSpan(
      this.#sink,
      this.#limits,
      this.#scope,
      spanContext,
      name,
      kind,
      parent,
      startTime,
      owned,
    );
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : undefined;
    const parent = rest.length > 2 ? (rest[1] as Context) : contextApi.active();
    const span = this.startSpan(name, options, parent);
    return contextApi.with(trace.setSpan(parent, span), () => fn(span)) as ReturnType<F>;
  }
}

/** What the provider flushes and shuts down (the export queue). */
export interface SpanPipeline extends SpanSink {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** One tracer per instrumentation scope, all feeding one export pipeline. */
export class FaultlineTracerProvider implements TracerProvider {
  readonly #tracers = new Map<string, FaultlineTracer>();
  readonly #sampler: Sampler;
  readonly #pipeline: SpanPipeline;
  readonly #limits: SpanLimits;

  constructor(sampler: Sampler, pipeline: SpanPipeline, limits: SpanLimits) {
    this.#sampler = sampler;
    this.#pipeline = pipeline;
    this.#limits = limits;
  }

  getTracer(name: string, version = '', options: TracerOptions = {}): Tracer {
    const schemaUrl = options.schemaUrl ?? '';
    const key = `${name}\u0000${version}\u0000${schemaUrl}`;
    let tracer = this.#tracers.get(key);
    if (tracer === undefined) {
      tracer = new FaultlineTracer({ name, version, schemaUrl }, this.#sampler, this.#pipeline, this.#limits);
      this.#tracers.set(key, tracer);
    }
    return tracer;
  }

  forceFlush(): Promise<void> {
    return this.#pipeline.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#pipeline.shutdown();
  }
}
