/**
 * The pure decisions of the RabbitMQ instrumentation: lag from the publish-time header or the
 * AMQP timestamp, the outcome of a settlement, the destination of a publish, and recognising a
 * dead-lettering queue from its declaration.
 */
import { PUBLISHED_AT_HEADER } from '../src/messaging/semconv.ts';
import {
  consumerLagSeconds,
  declaresDeadLetterExchange,
  headerGetter,
  processOutcome,
  publishDestination,
} from '../src/messaging/utils.ts';

describe('consumerLagSeconds', () => {
  const now = 1_750_000_010_000;

  test('reads the millisecond publish-time header, as a number or a string', () => {
    expect(consumerLagSeconds({ [PUBLISHED_AT_HEADER]: now - 1500 }, undefined, now)).toBe(1.5);
    expect(consumerLagSeconds({ [PUBLISHED_AT_HEADER]: String(now - 250) }, undefined, now)).toBe(0.25);
  });

  test('falls back to the AMQP timestamp in seconds, or in milliseconds when a producer wrote those', () => {
    expect(consumerLagSeconds({}, (now - 3000) / 1000, now)).toBe(3);
    expect(consumerLagSeconds(undefined, now - 3000, now)).toBe(3);
  });

  test('prefers the header over the timestamp', () => {
    expect(consumerLagSeconds({ [PUBLISHED_AT_HEADER]: now - 100 }, (now - 9000) / 1000, now)).toBe(0.1);
  });

  test('is undefined without either, and 0 when the producer clock is ahead', () => {
    expect(consumerLagSeconds({}, undefined, now)).toBeUndefined();
    expect(consumerLagSeconds({ [PUBLISHED_AT_HEADER]: 'soon' }, undefined, now)).toBeUndefined();
    expect(consumerLagSeconds({ [PUBLISHED_AT_HEADER]: now + 5000 }, undefined, now)).toBe(0);
  });
});

describe('processOutcome', () => {
  test.each([
    [{ kind: 'ack' } as const, false, 'ack'],
    [{ kind: 'nack', requeue: true } as const, true, 'requeue'],
    [{ kind: 'nack', requeue: false } as const, true, 'dead_letter'],
    [{ kind: 'nack', requeue: false } as const, false, 'reject'],
    [{ kind: 'channel_closed' } as const, true, 'requeue'],
  ])('%o on a queue that dead-letters: %s → %s', (settlement, deadLetters, outcome) => {
    expect(processOutcome(settlement, deadLetters)).toBe(outcome);
  });
});

test('the destination of a publish is the exchange, or the queue for the default exchange', () => {
  expect(publishDestination('', 'orders')).toBe('orders');
  expect(publishDestination('events', 'order.created')).toBe('events');
});

test('a queue dead-letters when declared with deadLetterExchange or x-dead-letter-exchange', () => {
  expect(declaresDeadLetterExchange({ deadLetterExchange: 'dlx' })).toBe(true);
  expect(declaresDeadLetterExchange({ arguments: { 'x-dead-letter-exchange': '' } })).toBe(true);
  expect(declaresDeadLetterExchange({ durable: true })).toBe(false);
  expect(declaresDeadLetterExchange(undefined)).toBe(false);
});

test('trace headers are read from strings and from byte arrays', () => {
  expect(headerGetter.get({ traceparent: 'abc' }, 'traceparent')).toBe('abc');
  expect(headerGetter.get({ traceparent: Buffer.from('abc') }, 'traceparent')).toBe('abc');
  expect(headerGetter.get({ traceparent: 5 }, 'traceparent')).toBeUndefined();
});
