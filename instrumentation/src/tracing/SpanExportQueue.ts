/**
 * The bounded, counted export of ended spans. A span is redacted and encoded the moment it ends,
 * into the open batch's group for its scope; batches hold encoded bytes only, so what waits for
 * export is a few hundred bytes per span rather than the span's object graph. The queue bound,
 * every dropped span (queue full, export failed, shutdown, or `rejected`: it could not be encoded,
 * or the backend refused it in a partial success) and every failed
 * export are counted in the self-telemetry metrics, and only one export is ever in flight, so a
 * slow or dead backend costs bounded memory and no CPU spin.
 */
import type { Attributes } from '@opentelemetry/api';
import type { MetricsRegistry } from '../metrics/MetricsRegistry.ts';
import type { SelfLogger } from '../logs/SelfLogger.ts';
import type { SpanPipeline } from './FaultlineTracer.ts';
import type { RecordedSpan, Scope } from './RecordedSpan.ts';
import type { SpanEncoding, SpanGroup } from './otlp/encoding.ts';
import type { ExportAccepted } from './otlp/exportResponse.ts';

/** Queue and batching limits. */
export interface BatchLimits {
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduleDelayMs: number;
}

/**
 * Sends one encoded request; resolves with the spans the backend refused in a partial success
 * (nothing when it refused none), rejects when the backend did not accept the request.
 */
export type Send = (body: Uint8Array) => Promise<ExportAccepted | void>;

/** Collaborators of the queue. */
export interface QueueDependencies {
  readonly metrics: MetricsRegistry;
  readonly log: SelfLogger;
  /** Masks secrets in an attribute set; returns it unchanged when there is nothing to mask. */
  readonly redact: (attributes: Attributes) => Attributes;
}

/** Ended spans are encoded in groups of this many (or when a batch is due). */
const ENCODE_EVERY = 32;

interface Batch {
  readonly groups: Map<Scope, SpanGroup>;
  count: number;
}

/** Bounded, counted batch export of encoded spans. */
export class SpanExportQueue implements SpanPipeline {
  readonly #encoding: SpanEncoding;
  readonly #send: Send;
  readonly #limits: BatchLimits;
  readonly #redact: (attributes: Attributes) => Attributes;
  readonly #log: SelfLogger;
  readonly #counters;
  /** Full batches waiting for export, oldest first; the last one is open for new spans. */
  #batches: Batch[] = [];
  /** Ended spans not yet encoded (fewer than {@link ENCODE_EVERY}). */
  #pending: RecordedSpan[] = [];
  #queued = 0;
  #timer: NodeJS.Timeout | undefined;
  #exporting: Promise<void> | undefined;
  #failing = false;
  #shutDown = false;
  readonly #rejectionsLogged = new Set<string>();

  constructor(encoding: SpanEncoding, send: Send, limits: BatchLimits, deps: QueueDependencies) {
    this.#encoding = encoding;
    this.#send = send;
    this.#limits = limits;
    this.#redact = deps.redact;
    this.#log = deps.log;
    const dropped = deps.metrics.counter('telemetryDropped');
    this.#counters = {
      queueFull: dropped.labels({ signal: 'traces', reason: 'queue_full' }),
      exportFailed: dropped.labels({ signal: 'traces', reason: 'export_failed' }),
      shutdown: dropped.labels({ signal: 'traces', reason: 'shutdown' }),
      rejected: dropped.labels({ signal: 'traces', reason: 'rejected' }),
      exported: deps.metrics.counter('telemetryExported').labels({ signal: 'traces' }),
      failures: deps.metrics.counter('telemetryExportFailures').labels({ signal: 'traces' }),
    };
    // Series start at 0, so the first drop or failure shows in rate() and increase().
    for (const counter of Object.values(this.#counters)) counter.inc(0);
    const queueSize = deps.metrics.gauge('telemetryQueueSize').labels({ signal: 'traces' });
    deps.metrics.onCollect(() => queueSize.set(this.queued));
    deps.metrics.gauge('telemetryQueueCapacity').set({ signal: 'traces' }, limits.maxQueueSize);
  }

  /** Spans waiting for export. */
  get queued(): number {
    return this.#queued + this.#pending.length;
  }

  onEnd(span: RecordedSpan): void {
    if (this.#shutDown || this.#queued + this.#pending.length >= this.#limits.maxQueueSize) {
      (this.#shutDown ? this.#counters.shutdown : this.#counters.queueFull).inc();
      return;
    }
    // Encoding a few spans at a time keeps the encoder's code and buffers warm; the spans are
    // still garbage within about a millisecond under load.
    this.#pending.push(span);
    if (this.#pending.length >= ENCODE_EVERY) this.#encodePending();
    else if (this.#timer === undefined) this.#schedule(this.#limits.scheduleDelayMs);
  }

  #encodePending(): void {
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    let full = false;
    for (const span of pending) {
      let batch = this.#batches[this.#batches.length - 1];
      if (batch === undefined || batch.count >= this.#limits.maxExportBatchSize) {
        batch = { groups: new Map(), count: 0 };
        this.#batches.push(batch);
      }
      let group = batch.groups.get(span.scope);
      if (group === undefined) {
        group = this.#encoding.group();
        batch.groups.set(span.scope, group);
      }
      try {
        this.#encoding.add(group, span, this.#redact);
      } catch {
        this.#counters.rejected.inc();
        continue;
      } finally {
        span.release();
      }
      batch.count++;
      this.#queued++;
      if (batch.count >= this.#limits.maxExportBatchSize) full = true;
    }
    if (full) this.#schedule(0);
    else if (this.#timer === undefined) this.#schedule(this.#limits.scheduleDelayMs);
  }

  /** Exports everything queued now, one batch after another. */
  async forceFlush(): Promise<void> {
    this.#encodePending();
    while (this.#queued > 0 || this.#exporting !== undefined) {
      await (this.#exporting ?? this.#exportBatch());
    }
  }

  /** Flushes (each batch bounded by the export deadline), then refuses further spans. */
  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    await this.forceFlush();
    this.#shutDown = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }

  /** Gives up on whatever is still queued, counting it as dropped at shutdown. */
  abandon(): void {
    this.#counters.shutdown.inc(this.#queued + this.#pending.length);
    this.#pending = [];
    this.#batches = [];
    this.#queued = 0;
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
    this.#encodePending();
    const batch = this.#batches.shift();
    if (batch === undefined || batch.count === 0) return Promise.resolve();
    const done = this.#sendBatch(batch).finally(() => {
      this.#queued -= batch.count;
      for (const group of batch.groups.values()) this.#encoding.release(group);
      this.#exporting = undefined;
      if (this.#queued + this.#pending.length > 0 && !this.#shutDown) {
        const full = (this.#batches[0]?.count ?? 0) >= this.#limits.maxExportBatchSize;
        this.#schedule(full ? 0 : this.#limits.scheduleDelayMs);
      }
    });
    this.#exporting = done;
    return done;
  }

  async #sendBatch(batch: Batch): Promise<void> {
    let accepted: ExportAccepted | void;
    try {
      accepted = await this.#send(this.#encoding.request(batch.groups));
    } catch (error) {
      this.#counters.failures.inc();
      this.#counters.exportFailed.inc(batch.count);
      if (!this.#failing) {
        const message = (error as Error).message;
        this.#log.log('warn', `trace export failing: ${message}`, {
          'event.action': 'telemetry.export_failed',
          'error.message': message,
        });
      }
      this.#failing = true;
      return;
    }
    const rejected = Math.min(accepted?.rejected ?? 0, batch.count);
    this.#counters.exported.inc(batch.count - rejected);
    if (rejected > 0) this.#reportRejected(rejected, accepted?.message ?? '');
    if (this.#failing) {
      this.#log.log('info', 'trace export recovered', { 'event.action': 'telemetry.export_recovered' });
    }
    this.#failing = false;
  }

  /** Counts spans refused in a partial success and logs the backend's reason (once per reason). */
  #reportRejected(rejected: number, message: string): void {
    this.#counters.rejected.inc(rejected);
    if (this.#rejectionsLogged.has(message) || this.#rejectionsLogged.size >= 16) return;
    this.#rejectionsLogged.add(message);
    this.#log.log('warn', `trace backend rejected ${rejected} span(s): ${message || 'no reason given'}`, {
      'event.action': 'telemetry.export_partially_rejected',
      'error.message': message,
    });
  }
}
