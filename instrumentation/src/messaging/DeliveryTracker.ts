/**
 * The deliveries of one channel that are being processed and not yet settled, by delivery tag
 * (tags are per channel), and how a delivery's processing is finished: its span ended and its
 * duration observed with the outcome.
 */
import { SpanStatusCode, context, type Context, type Span } from '@opentelemetry/api';
import { observeHistogram } from '../metrics/observeHistogram.ts';
import { getRuntime } from '../runtime.ts';
import { ATTR, MESSAGING_SYSTEM } from './semconv.ts';
import type { ProcessOutcome } from './utils.ts';

/** One message being processed. */
export interface Delivery {
  readonly queue: string;
  readonly span: Span;
  /** The extracted producer context with `span` set: what the handler runs in. */
  readonly context: Context;
  /** `performance.now()` when the consumer's handler was called. */
  readonly startedAt: number;
}

/** Ends `delivery`'s span and observes `messaging_process_duration_seconds{outcome}`. */
export function finishDelivery(delivery: Delivery, outcome: ProcessOutcome, error?: unknown): void {
  const seconds = (performance.now() - delivery.startedAt) / 1000;
  const { span } = delivery;
  span.setAttribute(ATTR.outcome, outcome);
  if (error !== undefined) span.recordException(error instanceof Error ? error : String(error));
  if (outcome !== 'ack' || error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : outcome });
  }
  span.end();
  const histogram = getRuntime().metrics.histogram('messagingProcessDuration');
  context.with(delivery.context, () =>
    observeHistogram(
      histogram,
      { messaging_system: MESSAGING_SYSTEM, messaging_destination_name: delivery.queue, outcome },
      seconds,
    ),
  );
}

/** Unsettled deliveries of one channel. */
export class DeliveryTracker {
  readonly #pending = new Map<number, Delivery>();

  /** Number of unsettled deliveries. */
  get size(): number {
    return this.#pending.size;
  }

  /** Tracks `delivery` under its delivery tag. */
  add(deliveryTag: number, delivery: Delivery): void {
    this.#pending.set(deliveryTag, delivery);
  }

  /** Removes and returns the delivery `deliveryTag`, or with `upTo` every one up to and including it. */
  take(deliveryTag: number, upTo: boolean): Delivery[] {
    if (!upTo) {
      const delivery = this.#pending.get(deliveryTag);
      this.#pending.delete(deliveryTag);
      return delivery ? [delivery] : [];
    }
    const taken: Delivery[] = [];
    for (const [tag, delivery] of this.#pending) {
      if (tag > deliveryTag) continue;
      taken.push(delivery);
      this.#pending.delete(tag);
    }
    return taken;
  }

  /** Removes and returns every unsettled delivery. */
  takeAll(): Delivery[] {
    const taken = [...this.#pending.values()];
    this.#pending.clear();
    return taken;
  }
}
