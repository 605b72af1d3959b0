/**
 * The names the RabbitMQ instrumentation writes, in one place: OpenTelemetry messaging semantic
 * convention attributes (from the signal catalogue), their values for RabbitMQ, and the
 * message header that carries the publish time.
 */
import { spanAttributes } from '../catalogue/index.ts';

/** `messaging.system` and the `messaging_system` label. */
export const MESSAGING_SYSTEM = 'rabbitmq';

/**
 * Header stamped on every published message with the publish time in epoch milliseconds. AMQP's
 * own `timestamp` property has a resolution of one second, too coarse for consumer lag.
 */
export const PUBLISHED_AT_HEADER = 'x-faultline-published-at';

/** Span attribute names used on publish and process spans. */
export const ATTR = {
  system: spanAttributes.messagingSystem,
  destinationName: spanAttributes.messagingDestinationName,
  operationType: spanAttributes.messagingOperationType,
  operationName: spanAttributes.messagingOperationName,
  messageId: spanAttributes.messagingMessageId,
  routingKey: spanAttributes.messagingRabbitmqRoutingKey,
  deliveryTag: spanAttributes.messagingRabbitmqDeliveryTag,
  outcome: spanAttributes.messagingOutcome,
} as const;

/** `messaging.operation.type` values (semantic conventions' well-known values). */
export const OPERATION_TYPE = { send: 'send', process: 'process' } as const;

/** `messaging.operation.name` values, and the first word of the span names. */
export const OPERATION_NAME = { publish: 'publish', process: 'process' } as const;
