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
