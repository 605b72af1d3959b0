/**
 * Kafka signals: the kafkajs instrumentation (spans and trace context through OpenTelemetry's
 * contrib instrumentation, Faultline's messaging metrics and rebalances) and the
 * consumer-group lag monitor.
 */
export { KafkaInstrumentation, createKafkaInstrumentation } from './KafkaInstrumentation.ts';
export type { KafkaInstrumentationConfig } from './types.ts';
export { KAFKA_SYSTEM } from './semconv.ts';
export {
  monitorConsumerGroups,
  type ConsumerGroupMonitor,
  type MonitorConsumerGroupsOptions,
  type MonitoredGroup,
  type MonitorFailure,
} from './ConsumerGroupMonitor.ts';
