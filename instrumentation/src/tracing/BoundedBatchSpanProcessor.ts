/**
 * A batch span processor whose every loss is visible. Like the SDK's BatchSpanProcessor it
 * queues sampled spans and exports them in batches; unlike it, the queue bound, every dropped
 * span (queue full, export failed, shutdown) and every failed export are counted in the
 * self-telemetry metrics, span attributes are redacted before they leave the process, and only
 * one export is ever in flight, so a slow or dead backend costs bounded memory and no CPU spin.
 */
import { TraceFlags, context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MetricsRegistry } from '../metrics/MetricsRegistry.ts';
import type { SelfLogger } from '../logs/SelfLogger.ts';

/** Queue and batching limits. */
export interface BatchLimits {
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduleDelayMs: number;
  readonly exportTimeoutMs: number;
}

/** Rewrites a span on its way out (redaction); returns the span itself when nothing changes. */
export type SpanTransform = (span: ReadableSpan) => ReadableSpan;

/** Collaborators of the processor. */
export interface BatchDependencies {
  readonly metrics: MetricsRegistry;
  readonly log: SelfLogger;
  readonly transform?: SpanTransform;
}

/** Bounded, counted batch export of spans. */
export class BoundedBatchSpanProcessor implements SpanProcessor {
  readonly #exporter: SpanExporter;
  readonly #limits: BatchLimits;
  readonly #transform: SpanTransform;
  readonly #log: SelfLogger;
  readonly #counters;
  #queue: ReadableSpan[] = [];
  #timer: NodeJS.Timeout | undefined;
  #exporting: Promise<void> | undefined;
  #failing = false;
  #shutDown = false;

  constructor(exporter: SpanExporter, limits: BatchLimits, deps: BatchDependencies) {
    this.#exporter = exporter;
    this.#limits = limits;
    this.#transform = deps.transform ?? ((span) => span);
    this.#log = deps.log;
    const dropped = deps.metrics.counter('telemetryDropped');
    this.#counters = {
      queueFull: dropped.labels({ signal: 'traces', reason: 'queue_full' }),
      exportFailed: dropped.labels({ signal: 'traces', reason: 'export_failed' }),
      shutdown: dropped.labels({ signal: 'traces', reason: 'shutdown' }),
      exported: deps.metrics.counter('telemetryExported').labels({ signal: 'traces' }),
      failures: deps.metrics.counter('telemetryExportFailures').labels({ signal: 'traces' }),
    };
    // Series start at 0, so the first drop or failure shows in rate() and increase().
    for (const counter of Object.values(this.#counters)) counter.inc(0);
    const queueSize = deps.metrics.gauge('telemetryQueueSize').labels({ signal: 'traces' });
    deps.metrics.onCollect(() => queueSize.set(this.#queue.length));
    deps.metrics.gauge('telemetryQueueCapacity').set({ signal: 'traces' }, limits.maxQueueSize);
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#shutDown || this.#queue.length >= this.#limits.maxQueueSize) {
      (this.#shutDown ? this.#counters.shutdown : this.#counters.queueFull).inc();
      return;
    }
    this.#queue.push(span);
    if (this.#queue.length >= this.#limits.maxExportBatchSize) this.#schedule(0);
    else if (this.#timer === undefined) this.#schedule(this.#limits.scheduleDelayMs);
  }

  /** Exports everything queued now, one batch after another. */
  async forceFlush(): Promise<void> {
    while (this.#queue.length > 0 || this.#exporting !== undefined) {
      await (this.#exporting ?? this.#exportBatch());
    }
  }

  /** Flushes (bounded by the export timeout per batch), then shuts the exporter down. */
  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    await this.forceFlush();
    this.#shutDown = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#exporter.shutdown().catch(() => undefined);
  }

  /** Gives up on whatever is still queued, counting it as dropped at shutdown. */
  abandon(): void {
    this.#counters.shutdown.inc(this.#queue.length);
    this.#queue = [];
    this.#shutDown = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#exporting === undefined) void this.#exportBatch();
    }, delayMs);
    this.#timer.unref();
  }

  #exportBatch(): Promise<void> {
    const batch = this.#queue.splice(0, this.#limits.maxExportBatchSize);
    if (batch.length === 0) return Promise.resolve();
    const done = this.#send(batch).finally(() => {
      this.#exporting = undefined;
      if (this.#queue.length > 0 && !this.#shutDown) {
        this.#schedule(
          this.#queue.length >= this.#limits.maxExportBatchSize ? 0 : this.#limits.scheduleDelayMs,
        );
      }
    });
    this.#exporting = done;
    return done;
  }

  async #send(batch: ReadableSpan[]): Promise<void> {
    let spans: ReadableSpan[];
    try {
      spans = batch.map(this.#transform);
    } catch {
      spans = batch;
    }
    const result = await this.#exportWithTimeout(spans);
    if (result.code === ExportResultCode.SUCCESS) {
      this.#counters.exported.inc(batch.length);
      if (this.#failing)
        this.#log.log('info', 'trace export recovered', { 'event.action': 'telemetry.export_recovered' });
      this.#failing = false;
      return;
    }
    this.#counters.failures.inc();
    this.#counters.exportFailed.inc(batch.length);
    if (!this.#failing) {
      this.#log.log('warn', `trace export failing: ${result.error?.message ?? 'unknown error'}`, {
        'event.action': 'telemetry.export_failed',
        'error.message': result.error?.message,
      });
    }
    this.#failing = true;
  }

  #exportWithTimeout(spans: ReadableSpan[]): Promise<ExportResult> {
    return new Promise<ExportResult>((resolve) => {
      const timer = setTimeout(
        () => resolve({ code: ExportResultCode.FAILED, error: new Error('export timed out') }),
        this.#limits.exportTimeoutMs,
      );
      timer.unref();
      const finish = (result: ExportResult): void => {
        clearTimeout(timer);
        resolve(result);
      };
      try {
        context.with(suppressTracing(context.active()), () => this.#exporter.export(spans, finish));
      } catch (error) {
        finish({ code: ExportResultCode.FAILED, error: error as Error });
      }
    });
  }
}
