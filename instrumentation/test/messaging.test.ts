/**
 * The amqplib instrumentation against the machine's real RabbitMQ: trace context crosses the
 * broker, consumer lag matches a measured delay, processing time is labelled by how each
 * message ended (including dead-lettering), and the exposition passes promtool.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import type * as Amqp from 'amqplib';
import { metrics } from '../src/catalogue/index.ts';
import { createMessagingInstrumentation, PUBLISHED_AT_HEADER } from '../src/messaging/index.ts';
import { promtoolCheckMetrics } from './support/promtool.ts';
import { AMQP_URL, loadInstrumentedAmqplib, uniqueName } from './support/rabbitmq.ts';
import {
  histogramValue,
  metricValue,
  useFreshRuntime,
  useInMemoryTracing,
  waitFor,
  type TestRuntime,
  type TestTracing,
} from './support/signals.ts';

let env: TestRuntime;
let tracing: TestTracing;
let amqp: typeof Amqp;
let connection: Amqp.ChannelModel;
const instrumentation = createMessagingInstrumentation();
const queues: string[] = [];
const exchanges: string[] = [];

beforeAll(async () => {
  env = useFreshRuntime();
  tracing = useInMemoryTracing();
  amqp = loadInstrumentedAmqplib(instrumentation);
  connection = await amqp.connect(AMQP_URL);
});

afterAll(async () => {
  const cleanup = await connection.createChannel();
  for (const queue of queues) await cleanup.deleteQueue(queue);
  for (const exchange of exchanges) await cleanup.deleteExchange(exchange);
  await connection.close();
  instrumentation.disable();
  await tracing.shutdown();
});

async function newQueue(channel: Amqp.Channel, purpose: string, options: Amqp.Options.AssertQueue = {}) {
  const name = uniqueName(purpose);
  queues.push(name);
  await channel.assertQueue(name, { durable: false, ...options });
  return name;
}

/** Consumes `queue`, handing each message to `handler`, and resolves deliveries in order. */
function consumeInto(
  channel: Amqp.Channel,
  queue: string,
  handler: (message: Amqp.ConsumeMessage) => void = () => undefined,
) {
  const received: Amqp.ConsumeMessage[] = [];
  const ready = channel.consume(queue, (message) => {
    if (!message) return;
    received.push(message);
    handler(message);
  });
  return { received, ready };
}

const labels = (queue: string) => ({ messaging_system: 'rabbitmq', messaging_destination_name: queue });
const processed = (queue: string, outcome: string) =>
  histogramValue(env.runtime, metrics.messagingProcessDuration.name, { ...labels(queue), outcome });
const spansNamed = (name: string) => tracing.exporter.getFinishedSpans().filter((span) => span.name === name);

test("a consumed message's span joins the producer's trace", async () => {
  const channel = await connection.createChannel();
  const queue = await newQueue(channel, 'trace');
  let handlerTraceId: string | undefined;
  const { received } = consumeInto(channel, queue, (message) => {
    handlerTraceId = trace.getActiveSpan()?.spanContext().traceId;
    channel.ack(message);
  });

  const producerTraceId = trace.getTracer('test').startActiveSpan('place-order', (span) => {
    channel.sendToQueue(queue, Buffer.from('{"order":1}'), { messageId: 'order-1' });
    span.end();
    return span.spanContext().traceId;
  });
  await waitFor('the delivery', () => (received.length === 1 ? true : undefined));
  const [consumer] = await waitFor('the process span', () => {
    const spans = spansNamed(`process ${queue}`);
    return spans.length === 1 ? spans : undefined;
  });
  const [publish] = spansNamed(`publish ${queue}`);

  expect(received[0]?.properties.headers?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  expect(typeof received[0]?.properties.headers?.[PUBLISHED_AT_HEADER]).toBe('number');
  expect(publish?.kind).toBe(SpanKind.PRODUCER);
  expect(consumer?.kind).toBe(SpanKind.CONSUMER);
  expect(publish?.spanContext().traceId).toBe(producerTraceId);
  expect(consumer?.spanContext().traceId).toBe(producerTraceId);
  expect(consumer?.parentSpanContext?.spanId).toBe(publish?.spanContext().spanId);
  expect(handlerTraceId).toBe(producerTraceId);
  expect(consumer?.attributes).toMatchObject({
    'messaging.system': 'rabbitmq',
    'messaging.destination.name': queue,
    'messaging.operation.type': 'process',
    'messaging.message.id': 'order-1',
    'faultline.messaging.outcome': 'ack',
  });
  expect(await metricValue(env.runtime, metrics.messagingSent.name, labels(queue))).toBe(1);
  expect(await metricValue(env.runtime, metrics.messagingConsumed.name, labels(queue))).toBe(1);
  expect((await processed(queue, 'ack')).count).toBe(1);
  await channel.close();
});

test('the lag observed is within the bounds of the measured time between publish and processing', async () => {
  const channel = await connection.createChannel();
  const queue = await newQueue(channel, 'lag');
  const beforePublish = Date.now();
  channel.sendToQueue(queue, Buffer.from('late'));
  const afterPublish = Date.now();
  // Let the message wait in the queue for a measured while before any consumer exists.
  await waitFor('300 ms to pass', () => (Date.now() - afterPublish >= 300 ? true : undefined));
  let handlerStartedAt = 0;
  const consumerAttachedAt = Date.now();
  const { received } = consumeInto(channel, queue, (message) => {
    handlerStartedAt = Date.now();
    channel.ack(message);
  });
  await waitFor('the delivery', () => (received.length === 1 ? true : undefined));

  const lag = await histogramValue(env.runtime, metrics.messagingLag.name, labels(queue));
  expect(lag.count).toBe(1);
  expect(lag.sum).toBeGreaterThanOrEqual((consumerAttachedAt - afterPublish) / 1000);
  expect(lag.sum).toBeLessThanOrEqual((handlerStartedAt - beforePublish) / 1000);
  expect(lag.buckets.get('0.1')).toBe(0);
  expect(lag.buckets.get('300')).toBe(1);
  await channel.close();
});

test('a message nacked without requeue on a queue with a dead-letter exchange counts as dead_letter and reaches it', async () => {
  const channel = await connection.createChannel();
  const deadLetterExchange = uniqueName('dlx');
  exchanges.push(deadLetterExchange);
  await channel.assertExchange(deadLetterExchange, 'fanout', { durable: false });
  const deadLetters = await newQueue(channel, 'dead-letters');
  await channel.bindQueue(deadLetters, deadLetterExchange, '');
  const queue = await newQueue(channel, 'with-dlx', { deadLetterExchange });
  const { received } = consumeInto(channel, queue, (message) => channel.nack(message, false, false));

  channel.sendToQueue(queue, Buffer.from('poison'));
  await waitFor('the delivery', () => (received.length === 1 ? true : undefined));

  expect((await processed(queue, 'dead_letter')).count).toBe(1);
  expect((await processed(queue, 'reject')).count).toBe(0);
  const dead = await waitFor('the dead letter', async () => {
    const ok = await channel.checkQueue(deadLetters);
    return ok.messageCount === 1 ? ok : undefined;
  });
  expect(dead.messageCount).toBe(1);
  const [span] = spansNamed(`process ${queue}`);
  expect(span?.attributes['faultline.messaging.outcome']).toBe('dead_letter');
  expect(span?.status.code).toBe(2);
  await channel.close();
});

test('reject without a dead-letter exchange counts as reject; requeue, then ack of the redelivery, as requeue and ack', async () => {
  const channel = await connection.createChannel();
  const dropped = await newQueue(channel, 'reject');
  const retried = await newQueue(channel, 'requeue');
  consumeInto(channel, dropped, (message) => channel.reject(message, false));
  const { received } = consumeInto(channel, retried, (message) => {
    if (message.fields.redelivered) channel.ack(message);
    else channel.nack(message);
  });

  channel.sendToQueue(dropped, Buffer.from('bad'));
  channel.sendToQueue(retried, Buffer.from('flaky'));
  await waitFor('the rejection', async () =>
    (await processed(dropped, 'reject')).count === 1 ? true : undefined,
  );
  await waitFor('the redelivery', () => (received.length === 2 ? true : undefined));

  expect((await processed(retried, 'requeue')).count).toBe(1);
  await waitFor('the ack', async () => ((await processed(retried, 'ack')).count === 1 ? true : undefined));
  expect(await metricValue(env.runtime, metrics.messagingConsumed.name, labels(retried))).toBe(2);
  await channel.close();
});

test('ack with allUpTo and nackAll settle every message they cover', async () => {
  const channel = await connection.createChannel();
  const queue = await newQueue(channel, 'bulk');
  const { received } = consumeInto(channel, queue);
  for (let i = 0; i < 5; i += 1) channel.sendToQueue(queue, Buffer.from(String(i)));
  await waitFor('five deliveries', () => (received.length === 5 ? true : undefined));

  channel.ack(received[2] as Amqp.ConsumeMessage, true);
  expect((await processed(queue, 'ack')).count).toBe(3);
  channel.nackAll(false);
  expect((await processed(queue, 'reject')).count).toBe(2);
  await channel.close();
});

test('messages left unacknowledged when the channel closes count as requeue', async () => {
  const channel = await connection.createChannel();
  const queue = await newQueue(channel, 'closed');
  const { received } = consumeInto(channel, queue);
  channel.sendToQueue(queue, Buffer.from('a'));
  channel.sendToQueue(queue, Buffer.from('b'));
  await waitFor('two deliveries', () => (received.length === 2 ? true : undefined));

  await channel.close();

  expect((await processed(queue, 'requeue')).count).toBe(2);
  expect(
    spansNamed(`process ${queue}`).map((span) => span.attributes['faultline.messaging.outcome']),
  ).toEqual(['requeue', 'requeue']);
});

test('a noAck consumer ends processing when its handler settles, as ack', async () => {
  const channel = await connection.createChannel();
  const queue = await newQueue(channel, 'no-ack');
  let finish: () => void = () => undefined;
  await channel.consume(queue, () => new Promise<void>((resolve) => (finish = resolve)), { noAck: true });
  channel.sendToQueue(queue, Buffer.from('fire and forget'));
  await waitFor('the delivery', async () =>
    (await metricValue(env.runtime, metrics.messagingConsumed.name, labels(queue))) === 1 ? true : undefined,
  );
  expect((await processed(queue, 'ack')).count).toBe(0);

  finish();

  await waitFor('the handler to settle', async () =>
    (await processed(queue, 'ack')).count === 1 ? true : undefined,
  );
  await channel.close();
});

test('a confirm channel publishes with context and ends the publish span on the broker confirm', async () => {
  const channel = await connection.createConfirmChannel();
  const queue = await newQueue(channel, 'confirm');
  const { received } = consumeInto(channel, queue, (message) => channel.ack(message));
  let confirmed = false;

  channel.sendToQueue(queue, Buffer.from('confirmed'), {}, (error) => {
    confirmed = error === null || error === undefined;
  });
  await channel.waitForConfirms();
  await waitFor('the delivery', () => (received.length === 1 ? true : undefined));

  expect(confirmed).toBe(true);
  const [publish] = spansNamed(`publish ${queue}`);
  const [consumer] = await waitFor('the process span', () => {
    const spans = spansNamed(`process ${queue}`);
    return spans.length === 1 ? spans : undefined;
  });
  expect(publish?.ended).toBe(true);
  expect(consumer?.spanContext().traceId).toBe(publish?.spanContext().traceId);
  expect(await metricValue(env.runtime, metrics.messagingSent.name, labels(queue))).toBe(1);
  await channel.close();
});

test('the exposition passes promtool check metrics', async () => {
  const { code, output } = await promtoolCheckMetrics(await env.runtime.metrics.render('prometheus'));
  expect(output).toBe('');
  expect(code).toBe(0);
});
