/**
 * The producer-side metric: records a send or sendBatch delivered, counted by topic once the
 * broker accepted them (a failed send counts nothing, the app sees its error and may retry).
 */
import { getRuntime } from '../runtime.ts';
import type { ProducerBatch, ProducerRecord } from './kafkajsShapes.ts';
import { KAFKA_SYSTEM } from './semconv.ts';

/** Counts the records of `records` sent, per topic. Never throws. */
export function countSent(records: readonly ProducerRecord[] | undefined): void {
  try {
    const counter = getRuntime().metrics.counter('messagingSent');
    for (const { topic, messages } of records ?? [])
      counter.inc({ messaging_system: KAFKA_SYSTEM, messaging_destination_name: topic }, messages.length);
  } catch {
    // Counting must not fail a send that happened.
  }
}

/** The per-topic records of a sendBatch call. */
export function recordsOfBatch(batch: ProducerBatch | undefined): readonly ProducerRecord[] {
  return batch?.topicMessages ?? [];
}
