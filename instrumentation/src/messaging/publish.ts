/**
 * One traced publish: a PRODUCER span, its context and the publish time written into a copy of
 * the message headers (the caller's options object is never changed), the message counted
 * sent. On a confirm channel the span ends with the broker's confirm, otherwise at once.
 */
import { SpanKind, SpanStatusCode, context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { getRuntime } from '../runtime.ts';
import type { Channel, ConfirmCallback, Publish, PublishArgs, PublishOptions } from './amqplibShapes.ts';
import { ATTR, MESSAGING_SYSTEM, OPERATION_NAME, OPERATION_TYPE, PUBLISHED_AT_HEADER } from './semconv.ts';
import { headerSetter, publishDestination, type Headers } from './utils.ts';

/** Options objects this module created, so the inner publish of a confirm channel passes through. */
const stampedOptions = new WeakSet<object>();

/** Whether `options` were already stamped by an outer traced publish. */
export function isStamped(options: PublishOptions | undefined): boolean {
  return options !== undefined && stampedOptions.has(options);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Publishes `args` through `original` on `channel`, traced; rethrows what `original` throws. */
export function tracedPublish(
  tracer: Tracer,
  original: Publish,
  channel: Channel,
  args: PublishArgs,
  confirm: boolean,
): boolean {
  const [exchange, routingKey, content, options, callback] = args;
  const destination = publishDestination(exchange ?? '', routingKey ?? '');
  const span = tracer.startSpan(`${OPERATION_NAME.publish} ${destination}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      [ATTR.system]: MESSAGING_SYSTEM,
      [ATTR.destinationName]: destination,
      [ATTR.operationType]: OPERATION_TYPE.send,
      [ATTR.operationName]: OPERATION_NAME.publish,
      [ATTR.routingKey]: routingKey,
      ...(typeof options?.messageId === 'string' ? { [ATTR.messageId]: options.messageId } : {}),
    },
  });
  const headers: Headers = { ...options?.headers, [PUBLISHED_AT_HEADER]: Date.now() };
  propagation.inject(trace.setSpan(context.active(), span), headers, headerSetter);
  const stamped: PublishOptions = { ...options, headers };
  stampedOptions.add(stamped);
  const confirmed: ConfirmCallback = (error, ok) => {
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
    span.end();
    callback?.(error, ok);
  };
  let sent: boolean;
  try {
    sent = confirm
      ? original.call(channel, exchange, routingKey, content, stamped, confirmed)
      : original.call(channel, exchange, routingKey, content, stamped);
  } catch (error) {
    span.recordException(error instanceof Error ? error : errorMessage(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error) });
    span.end();
    throw error;
  }
  if (!confirm) span.end();
  try {
    getRuntime()
      .metrics.counter('messagingSent')
      .inc({ messaging_system: MESSAGING_SYSTEM, messaging_destination_name: destination });
  } catch {
    // Counting must not fail a publish that happened.
  }
  return sent;
}
