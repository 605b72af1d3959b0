/**
 * The log half of the signal catalogue: the Elastic Common Schema fields Faultline writes on
 * every record, and its own fields under `faultline.*` (ECS's rule for custom fields). Log
 * correlation, the ECS format, Kibana objects and tests use these names from here.
 */
export const logFields = {
  timestamp: '@timestamp',
  level: 'log.level',
  logger: 'log.logger',
  message: 'message',
  ecsVersion: 'ecs.version',
  traceId: 'trace.id',
  spanId: 'span.id',
  transactionId: 'transaction.id',
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  serviceInstanceId: 'service.node.name',
  serviceEnvironment: 'service.environment',
  hostName: 'host.hostname',
  processPid: 'process.pid',
  eventDataset: 'event.dataset',
  eventAction: 'event.action',
  errorType: 'error.type',
  errorMessage: 'error.message',
  errorStack: 'error.stack_trace',
  breakerName: 'faultline.breaker.name',
  breakerState: 'faultline.breaker.state',
  breakerPreviousState: 'faultline.breaker.previous_state',
  messagingDestinationName: 'messaging.destination.name',
  queueSampleSource: 'faultline.messaging.sample_source',
  kafkaConsumerGroup: 'messaging.consumer.group.name',
} as const;

/** The ECS version the format declares in `ecs.version`. */
export const ECS_VERSION = '8.11.0';

/** `event.action` values Faultline itself logs. */
export const logActions = {
  breakerStateChange: 'circuit_breaker.state_change',
  queueSampleFailed: 'messaging.queue_sample.failed',
  queueSampleRecovered: 'messaging.queue_sample.recovered',
  kafkaMonitorFailed: 'messaging.kafka_monitor.failed',
  kafkaMonitorRecovered: 'messaging.kafka_monitor.recovered',
  invalidTraceContext: 'messaging.trace_context.invalid',
} as const;

/** A field name of the log catalogue. */
export type LogField = (typeof logFields)[keyof typeof logFields];
