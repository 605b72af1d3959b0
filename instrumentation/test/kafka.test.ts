/**
 * The kafkajs instrumentation against a real Kafka 4 broker (KRaft, from `backends/`): a
 * consumer continues the producer's trace through the record headers, a batch links each
 * record's producer context, records are counted sent and consumed with their lag and
 * processing time by outcome, rebalances are counted with their duration, every series starts
 * at 0, and an unreadable traceparent header is counted and logged once without breaking
 * consumption. The exposition passes promtool.
 */
import { SpanKind, context, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type * as KafkaJs from 'kafkajs';
import { logActions, metrics } from '../src/catalogue/index.ts';
import { createKafkaInstrumentation } from '../src/kafka/index.ts';
import { promtoolCheckMetrics } from './support/promtool.ts';
import {
  createTopic,
  loadInstrumentedKafkajs,
  startTestBroker,
  uniqueName,
  type TestBroker,
} from './support/kafka.ts';
import {
  histogramValue,
  metricValue,
  useFreshRuntime,
  useInMemoryTracing,
  waitFor,
  type TestRuntime,
  type TestTracing,
} from './support/signals.ts';

let broker: TestBroker;
let env: TestRuntime;
let tracing: TestTracing;
let kafkajs: typeof KafkaJs;
let client: KafkaJs.Kafka;
let admin: KafkaJs.Admin;
let producer: KafkaJs.Producer;
const consumers: KafkaJs.Consumer[] = [];
const instrumentation = createKafkaInstrumentation();

beforeAll(async () => {
  broker = await startTestBroker();
  env = useFreshRuntime();
  tracing = useInMemoryTracing();
  kafkajs = loadInstrumentedKafkajs(instrumentation);
  client = new kafkajs.Kafka({
    clientId: 'instrumentation-test',
    brokers: [...broker.kafka.bootstrapServers],
    logLevel: kafkajs.logLevel.NOTHING,
  });
  admin = client.admin();
  await admin.connect();
  producer = client.producer({ idempotent: true });
  await producer.connect();
}, 180_000);

afterAll(async () => {
  for (const consumer of consumers) await consumer.disconnect();
  await producer?.disconnect();
  await admin?.disconnect();
  instrumentation.disable();
  await tracing?.shutdown();
  await broker?.stop();
}, 60_000);

const labels = (topic: string) => ({ messaging_system: 'kafka', messaging_destination_name: topic });
const processed = (topic: string, outcome: string) =>
  histogramValue(env.runtime, metrics.messagingProcessDuration.name, { ...labels(topic), outcome });
const spans = () => tracing.exporter.getFinishedSpans();

async function newTopic(purpose: string): Promise<string> {
  const topic = uniqueName(purpose);
  await createTopic(admin, topic);
  return topic;
}

async function consume(topic: string, run: KafkaJs.ConsumerRunConfig): Promise<KafkaJs.Consumer> {
  const consumer = client.consumer({
    groupId: uniqueName('group'),
    retry: { initialRetryTime: 50, retries: 5 },
  });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run(run);
  return consumer;
}

test("a consumed record's span continues the producer's trace, counted and timed", async () => {
  const topic = await newTopic('trace');
  const seen: { traceId?: string }[] = [];
  await consume(topic, {
    eachMessage: async () => {
      seen.push({ traceId: trace.getActiveSpan()?.spanContext().traceId });
    },
  });
  await producer.send({ topic, acks: -1, messages: [{ value: 'order-1' }] });
  await waitFor('the record processed', async () =>
    (await processed(topic, 'ack')).count === 1 ? true : undefined,
  );
  const send = spans().find((span) => span.name === `send ${topic}`);
  const process = spans().find((span) => span.name === `process ${topic}`);
  expect(send?.kind).toBe(SpanKind.PRODUCER);
  expect(process?.kind).toBe(SpanKind.CONSUMER);
  expect(process?.spanContext().traceId).toBe(send?.spanContext().traceId);
  expect(process?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
  expect(seen).toEqual([{ traceId: send?.spanContext().traceId }]);
  expect(await metricValue(env.runtime, metrics.messagingSent.name, labels(topic))).toBe(1);
  expect(await metricValue(env.runtime, metrics.messagingConsumed.name, labels(topic))).toBe(1);
  const lag = await histogramValue(env.runtime, metrics.messagingLag.name, labels(topic));
  expect(lag.count).toBe(1);
  expect(lag.sum).toBeGreaterThanOrEqual(0);
  expect(lag.sum).toBeLessThan(30);
});

test('the lag is the time since the record timestamp', async () => {
  const topic = await newTopic('lag');
  await producer.send({ topic, messages: [{ value: 'old', timestamp: String(Date.now() - 42_000) }] });
  await consume(topic, { eachMessage: async () => undefined });
  await waitFor('the lag observed', async () => {
    const { count, sum } = await histogramValue(env.runtime, metrics.messagingLag.name, labels(topic));
    return count === 1 ? sum : undefined;
  }).then((seconds) => {
    expect(seconds).toBeGreaterThanOrEqual(42);
    expect(seconds).toBeLessThan(42 + 30);
  });
});

test('a handler that throws is observed as requeue, and the redelivered record as ack', async () => {
  const topic = await newTopic('requeue');
  let attempts = 0;
  await consume(topic, {
    eachMessage: async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('payment provider down');
    },
  });
  await producer.send({ topic, messages: [{ value: 'retried' }] });
  await waitFor('the retry processed', async () =>
    (await processed(topic, 'ack')).count === 1 ? true : undefined,
  );
  expect((await processed(topic, 'requeue')).count).toBe(1);
  expect(await metricValue(env.runtime, metrics.messagingConsumed.name, labels(topic))).toBe(2);
});

test("a batch's process spans link each record's producer context", async () => {
  const topic = await newTopic('batch');
  await producer.send({ topic, messages: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] });
  let batches = 0;
  await consume(topic, {
    eachBatch: async () => {
      batches += 1;
    },
  });
  await waitFor('three records processed', async () =>
    (await processed(topic, 'ack')).count === 3 ? true : undefined,
  );
  const sends = spans().filter((span) => span.name === `send ${topic}`);
  const processes = spans().filter((span) => span.name === `process ${topic}`);
  expect(batches).toBeGreaterThanOrEqual(1);
  expect(sends).toHaveLength(3);
  expect(processes).toHaveLength(3);
  const linked = processes.flatMap((span) => span.links.map((link) => link.context.spanId)).sort();
  expect(linked).toEqual(sends.map((span) => span.spanContext().spanId).sort());
});

test('an unreadable traceparent header is counted and logged once; consumption goes on', async () => {
  const topic = await newTopic('malformed');
  const bad = { traceparent: 'not-a-trace-context' };
  // With tracing suppressed the propagator writes nothing, so the bad header reaches the broker.
  await context.with(suppressTracing(context.active()), () =>
    producer.send({
      topic,
      messages: [
        { value: '1', headers: bad },
        { value: '2', headers: bad },
      ],
    }),
  );
  await consume(topic, { eachMessage: async () => undefined });
  await waitFor('both processed', async () =>
    (await processed(topic, 'ack')).count === 2 ? true : undefined,
  );
  expect(await metricValue(env.runtime, metrics.messagingInvalidTraceContext.name, labels(topic))).toBe(2);
  const warnings = env.logs.filter(
    (line) =>
      line['event.action'] === logActions.invalidTraceContext && line['messaging.destination.name'] === topic,
  );
  expect(warnings).toHaveLength(1);
});

test('series start at 0 on subscribe; a join counts a rebalance with its duration', async () => {
  const topic = await newTopic('zero');
  const group = uniqueName('rebalance');
  const consumer = client.consumer({ groupId: group });
  consumers.push(consumer);
  expect(await metricValue(env.runtime, metrics.kafkaRebalances.name, { group })).toBe(0);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  expect(await metricValue(env.runtime, metrics.messagingConsumed.name, labels(topic))).toBe(0);
  expect((await processed(topic, 'requeue')).count).toBe(0);
  const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
  await consumer.run({ eachMessage: async () => undefined });
  await joined;
  await waitFor('the rebalance counted', async () =>
    (await metricValue(env.runtime, metrics.kafkaRebalances.name, { group })) === 1 ? true : undefined,
  );
  expect((await histogramValue(env.runtime, metrics.kafkaRebalanceDuration.name, { group })).count).toBe(1);
});

test('the exposition passes promtool check metrics', async () => {
  const { code, output } = await promtoolCheckMetrics(await env.runtime.metrics.render('prometheus'));
  expect(output).toBe('');
  expect(code).toBe(0);
});
