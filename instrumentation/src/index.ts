/**
 * The public surface of `@faultline/instrumentation`. Everything not re-exported here is
 * internal and free to change.
 */

// Lifecycle
export { start, shutdown, type StartOptions } from './start.ts';

// Signal catalogue: the names rules, dashboards, services and tests rely on
export * from './catalogue/index.ts';

// Configuration
export { parseConfig, describeIssue } from './config/parseConfig.ts';
export type * from './config/types.ts';

// Metrics
export { MetricsRegistry } from './metrics/MetricsRegistry.ts';
export { getMetricsRegistry } from './metrics/getMetricsRegistry.ts';

// Logs
// (logs section: ECS format, Elasticsearch transport, redaction)
export { ecsFormat, toEcsRecord, RELOCATED_META_FIELD, type EcsFormatOptions } from './logs/ecsFormat.ts';
export {
  ElasticsearchTransport,
  type ElasticsearchDestination,
  type ElasticsearchTransportOptions,
} from './logs/ElasticsearchTransport.ts';
export { ElasticsearchShipper, type ElasticsearchShipperDeps } from './logs/ElasticsearchShipper.ts';
export type { Health as LogShippingHealth } from './logs/elasticsearch/ShipperHealth.ts';
export type { BackoffOptions } from './logs/elasticsearch/backoff.ts';
export {
  WinstonInstrumentation,
  SUPPORTED_WINSTON_VERSIONS,
  type WinstonInstrumentationOptions,
} from './logs/winstonInstrumentation.ts';
export {
  createRedactor,
  REDACTED,
  CIRCULAR,
  TRUNCATED,
  type Redactor,
  type RedactorOptions,
} from './redaction/createRedactor.ts';

// Fault-tolerance signals
// (fault-tolerance section: breakers, retries, messaging)
export {
  instrumentBreaker,
  type InstrumentableBreaker,
  type InstrumentBreakerOptions,
} from './breaker/instrumentBreaker.ts';
export type { OpossumBreaker } from './breaker/opossum.ts';
export type { CockatielBreaker } from './breaker/cockatiel.ts';
export type { BreakerState, BreakerCallOutcome } from './breaker/BreakerSignals.ts';
export {
  instrumentRetry,
  type CockatielRetry,
  type InstrumentRetryOptions,
  type RetryOutcome,
} from './retry/instrumentRetry.ts';
export {
  MessagingInstrumentation,
  createMessagingInstrumentation,
  type MessagingInstrumentationConfig,
  PUBLISHED_AT_HEADER,
  MESSAGING_SYSTEM,
  PROCESS_OUTCOMES,
  type ProcessOutcome,
  monitorQueues,
  type MonitorQueuesOptions,
  type QueueMonitor,
} from './messaging/index.ts';
export {
  KafkaInstrumentation,
  createKafkaInstrumentation,
  type KafkaInstrumentationConfig,
  KAFKA_SYSTEM,
  monitorConsumerGroups,
  type ConsumerGroupMonitor,
  type MonitorConsumerGroupsOptions,
  type MonitoredGroup,
  type MonitorFailure,
} from './kafka/index.ts';
