/**
 * The consumer side of one delivery: the CONSUMER span, child of the context the producer put
 * in the headers; the message counted consumed and its lag observed; and, for `noAck`
 * consumers, the end of processing when the handler returns or settles.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  context,
  propagation,
  trace,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';
import { observeHistogram } from '../metrics/observeHistogram.ts';
import { getRuntime } from '../runtime.ts';
import type { Message } from './amqplibShapes.ts';
import { finishDelivery, type Delivery } from './DeliveryTracker.ts';
import { ATTR, MESSAGING_SYSTEM, OPERATION_NAME, OPERATION_TYPE } from './semconv.ts';
import { PROCESS_OUTCOMES, consumerLagSeconds, headerGetter } from './utils.ts';

function processAttributes(queue: string, message: Message): Attributes {
  const attributes: Attributes = {
    [ATTR.system]: MESSAGING_SYSTEM,
    [ATTR.destinationName]: queue,
    [ATTR.operationType]: OPERATION_TYPE.process,
    [ATTR.operationName]: OPERATION_NAME.process,
    [ATTR.deliveryTag]: message.fields.deliveryTag,
  };
  if (message.fields.routingKey !== undefined) attributes[ATTR.routingKey] = message.fields.routingKey;
  const { messageId } = message.properties;
  if (typeof messageId === 'string') attributes[ATTR.messageId] = messageId;
  return attributes;
}

/**
 * Starts every consumer-side series of `queue` at 0 when a consumer attaches, so the first
 * message, dead letter or requeue shows in `rate()` and `increase()` (a series that appears
 * with its first count has no earlier sample to rise from).
 */
export function initialiseConsumerSeries(queue: string): void {
  const { metrics } = getRuntime();
  const labels = { messaging_system: MESSAGING_SYSTEM, messaging_destination_name: queue };
  metrics.counter('messagingConsumed').inc(labels, 0);
  metrics.histogram('messagingLag').zero(labels);
  for (const outcome of PROCESS_OUTCOMES)
    metrics.histogram('messagingProcessDuration').zero({ ...labels, outcome });
}

/** Starts processing `message` from `queue`: span, consumed counter and lag. */
export function startProcessing(tracer: Tracer, queue: string, message: Message): Delivery {
  const { headers, timestamp } = message.properties;
  const parent = propagation.extract(ROOT_CONTEXT, headers ?? {}, headerGetter);
  const span = tracer.startSpan(
    `${OPERATION_NAME.process} ${queue}`,
    { kind: SpanKind.CONSUMER, attributes: processAttributes(queue, message) },
    parent,
  );
  const delivery: Delivery = {
    queue,
    span,
    context: trace.setSpan(parent, span),
    startedAt: performance.now(),
  };
  const { metrics } = getRuntime();
  const labels = { messaging_system: MESSAGING_SYSTEM, messaging_destination_name: queue };
  metrics.counter('messagingConsumed').inc(labels);
  const lag = consumerLagSeconds(headers, timestamp, Date.now());
  if (lag !== undefined) {
    context.with(delivery.context, () => observeHistogram(metrics.histogram('messagingLag'), labels, lag));
  }
  return delivery;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function finishQuietly(delivery: Delivery, error?: unknown): void {
  try {
    finishDelivery(delivery, 'ack', error);
  } catch {
    // Reporting must not change what the handler did.
  }
}

/**
 * Runs the handler of a `noAck` consumer (the broker considers the message acknowledged on
 * delivery): processing ends, as `ack`, when the handler returns or the promise it returns
 * settles. The handler's result and errors reach amqplib unchanged.
 */
export function runAutoAcked(delivery: Delivery, handler: () => unknown): unknown {
  let result: unknown;
  try {
    result = handler();
  } catch (error) {
    finishQuietly(delivery, error);
    throw error;
  }
  if (isThenable(result)) {
    result.then(
      () => finishQuietly(delivery),
      (error: unknown) => finishQuietly(delivery, error),
    );
  } else {
    finishQuietly(delivery);
  }
  return result;
}
