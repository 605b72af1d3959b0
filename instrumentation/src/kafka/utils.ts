/**
 * Pure decisions of the Kafka instrumentation, tested without a broker: how long a record
 * waited, how its processing ended, and whether its trace-context header could be read.
 */
import { ROOT_CONTEXT, propagation, trace, type TextMapGetter } from '@opentelemetry/api';
import type { ProcessOutcome } from '../messaging/utils.ts';
import type { KafkaMessage } from './kafkajsShapes.ts';
import { TRACEPARENT_HEADER } from './semconv.ts';

type Headers = NonNullable<KafkaMessage['headers']>;

/** The text of a record header (kafkajs gives Buffers; a repeated header, its first value). */
export function headerText(value: Headers[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (Buffer.isBuffer(first)) return first.toString('utf8');
  return undefined;
}

/** Reads propagation fields from record headers. */
export const recordHeaderGetter: TextMapGetter<Headers> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headerText(headers[key]),
};

/**
 * Seconds from the record's timestamp (producer create time or broker log-append time, epoch
 * milliseconds as kafkajs gives them) to `nowMs`; undefined without a usable timestamp. Clocks
 * apart (a negative difference) count as 0.
 */
export function recordLagSeconds(timestamp: string | undefined, nowMs: number): number | undefined {
  const ms = Number(timestamp);
  if (timestamp === undefined || !Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.max(0, nowMs - ms) / 1000;
}

/**
 * Whether a record carries a `traceparent` header that does not yield a valid span context
 * (the consumer span then starts a new trace: worth counting, since the trace is broken).
 */
export function hasInvalidTraceContext(headers: Headers | undefined): boolean {
  if (!headers || headerText(headers[TRACEPARENT_HEADER]) === undefined) return false;
  const extracted = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers, recordHeaderGetter));
  return extracted === undefined || !trace.isSpanContextValid(extracted);
}

/**
 * The outcome of processing a record: kafkajs commits past a record whose handler succeeded
 * (`ack`) and fetches it again when the handler threw (`requeue`).
 */
export function kafkaOutcome(failed: boolean): ProcessOutcome {
  return failed ? 'requeue' : 'ack';
}
