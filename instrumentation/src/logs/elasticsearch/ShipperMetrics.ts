/**
 * The log shipper's self-telemetry, on the catalogue's `faultline_telemetry_*` metrics with
 * `signal="logs"`. Label children are resolved once, so counting costs no label hashing per
 * record. Queue size and capacity move by deltas, so several shippers in one process add up.
 */
import type { MetricsRegistry } from '../../metrics/MetricsRegistry.ts';

/** Why records left the buffer without being accepted (the catalogue's `reason` values). */
export type DropReason = 'queue_full' | 'export_failed' | 'rejected' | 'shutdown';

const SIGNAL = 'logs';

/** Counts what the shipper does with records. */
export class ShipperMetrics {
  readonly #capacity: number;
  readonly #queueSize;
  readonly #queueCapacity;
  readonly #exported;
  readonly #failures;
  readonly #dropped: Record<DropReason, { inc(value?: number): void }>;

  /** Resolves the series and adds `capacity` to the capacity gauge. */
  constructor(metrics: MetricsRegistry, capacity: number) {
    this.#capacity = capacity;
    this.#queueSize = metrics.gauge('telemetryQueueSize').labels({ signal: SIGNAL });
    this.#queueCapacity = metrics.gauge('telemetryQueueCapacity').labels({ signal: SIGNAL });
    this.#exported = metrics.counter('telemetryExported').labels({ signal: SIGNAL });
    this.#failures = metrics.counter('telemetryExportFailures').labels({ signal: SIGNAL });
    const dropped = metrics.counter('telemetryDropped');
    this.#dropped = {
      queue_full: dropped.labels({ signal: SIGNAL, reason: 'queue_full' }),
      export_failed: dropped.labels({ signal: SIGNAL, reason: 'export_failed' }),
      rejected: dropped.labels({ signal: SIGNAL, reason: 'rejected' }),
      shutdown: dropped.labels({ signal: SIGNAL, reason: 'shutdown' }),
    };
    this.#queueCapacity.inc(capacity);
    // Series start at 0, so the first drop or failure shows in rate() and increase().
    for (const counter of [this.#exported, this.#failures, ...Object.values(this.#dropped)]) counter.inc(0);
  }

  /** `count` records entered the buffer. */
  buffered(count: number): void {
    this.#queueSize.inc(count);
  }

  /** `count` records left the buffer, whatever their fate. */
  settled(count: number): void {
    if (count > 0) this.#queueSize.dec(count);
  }

  /** Elasticsearch accepted `count` records. */
  exported(count: number): void {
    if (count > 0) this.#exported.inc(count);
  }

  /** `count` records were dropped for `reason`. */
  dropped(reason: DropReason, count: number): void {
    if (count > 0) this.#dropped[reason].inc(count);
  }

  /** One bulk request failed (unreachable, timed out, or answered with an error). */
  exportFailed(): void {
    this.#failures.inc();
  }

  /** The shipper is closed: its capacity no longer counts. */
  closed(): void {
    this.#queueCapacity.dec(this.#capacity);
  }
}
