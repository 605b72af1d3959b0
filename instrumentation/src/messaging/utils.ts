/**
 * Pure decisions of the RabbitMQ instrumentation, kept apart from the patching so they are
 * tested without a broker: where a message goes, how long it waited, how its processing ended,
 * and how trace context is read from and written to AMQP headers.
 */
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { PUBLISHED_AT_HEADER } from './semconv.ts';

/** AMQP headers as amqplib hands them over (a field table). */
export type Headers = Record<string, unknown>;

/** The outcomes of processing, as the `outcome` label spells them. */
export const PROCESS_OUTCOMES = ['ack', 'requeue', 'dead_letter', 'reject'] as const;

/** How the processing of a delivered message ended. */
export type ProcessOutcome = (typeof PROCESS_OUTCOMES)[number];

/** What the consumer (or the channel) did with a delivery. */
export type Settlement =
  | { readonly kind: 'ack' }
  | { readonly kind: 'nack'; readonly requeue: boolean }
  | { readonly kind: 'channel_closed' };

/**
 * The outcome label of a settlement. A message nacked or rejected without requeue goes to the
 * queue's dead-letter exchange when it has one (`dead_letter`) and is dropped otherwise
 * (`reject`). Messages still unacknowledged when their channel closes are requeued by the broker.
 */
export function processOutcome(settlement: Settlement, queueDeadLetters: boolean): ProcessOutcome {
  switch (settlement.kind) {
    case 'ack':
      return 'ack';
    case 'channel_closed':
      return 'requeue';
    case 'nack':
      if (settlement.requeue) return 'requeue';
      return queueDeadLetters ? 'dead_letter' : 'reject';
  }
}

/** The destination of a publish: the exchange, or for the default exchange the queue routed to. */
export function publishDestination(exchange: string, routingKey: string): string {
  return exchange === '' ? routingKey : exchange;
}

/** Whether `assertQueue` options give the queue a dead-letter exchange. */
export function declaresDeadLetterExchange(options: unknown): boolean {
  if (typeof options !== 'object' || options === null) return false;
  const { deadLetterExchange, arguments: args } = options as {
    deadLetterExchange?: unknown;
    arguments?: Record<string, unknown>;
  };
  return deadLetterExchange !== undefined || args?.['x-dead-letter-exchange'] !== undefined;
}

// AMQP `timestamp` is seconds, but many producers write milliseconds into it; a value past
// year 5138 in seconds is read as milliseconds.
const MILLISECOND_TIMESTAMP_THRESHOLD = 1e11;

function toMilliseconds(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : undefined;
}

/**
 * Seconds from publish to `nowMs`: from the publish-time header Faultline stamps (milliseconds),
 * else from the AMQP `timestamp` property. Undefined when the message carries neither. A
 * negative difference (clocks of producer and consumer apart) counts as 0.
 */
export function consumerLagSeconds(
  headers: Headers | undefined,
  timestamp: unknown,
  nowMs: number,
): number | undefined {
  let publishedMs = toMilliseconds(headers?.[PUBLISHED_AT_HEADER]);
  if (publishedMs === undefined) {
    const stamp = toMilliseconds(timestamp);
    if (stamp !== undefined) publishedMs = stamp >= MILLISECOND_TIMESTAMP_THRESHOLD ? stamp : stamp * 1000;
  }
  if (publishedMs === undefined) return undefined;
  return Math.max(0, nowMs - publishedMs) / 1000;
}

/** Reads propagation fields from AMQP headers (strings, or byte arrays amqplib gives as Buffers). */
export const headerGetter: TextMapGetter<Headers> = {
  keys: (headers) => Object.keys(headers),
  get(headers, key) {
    const value = headers[key];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return undefined;
  },
};

/** Writes propagation fields into AMQP headers. */
export const headerSetter: TextMapSetter<Headers> = {
  set(headers, key, value) {
    headers[key] = value;
  },
};
