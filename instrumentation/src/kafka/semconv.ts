/**
 * The names the Kafka instrumentation writes, in one place: the `messaging_system` label value
 * (OpenTelemetry's `messaging.system` well-known value) and the trace-context header it checks.
 */

/** `messaging.system` and the `messaging_system` label for Kafka. */
export const KAFKA_SYSTEM = 'kafka';

/** The W3C trace-context header the producer writes into each record. */
export const TRACEPARENT_HEADER = 'traceparent';
