/**
 * RabbitMQ signals: the amqplib instrumentation (traces across the broker, message counters,
 * lag and processing time) and the broker-side queue sampler.
 */
export { MessagingInstrumentation, createMessagingInstrumentation } from './instrumentation.ts';
export type { MessagingInstrumentationConfig } from './types.ts';
export { PUBLISHED_AT_HEADER, MESSAGING_SYSTEM } from './semconv.ts';
export { PROCESS_OUTCOMES, type ProcessOutcome } from './utils.ts';
export { monitorQueues, type MonitorQueuesOptions, type QueueMonitor } from './QueueMonitor.ts';
