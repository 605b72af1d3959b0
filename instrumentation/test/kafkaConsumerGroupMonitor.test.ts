/**
 * monitorConsumerGroups against a real Kafka 4 broker: the lag of a group whose consumers are
 * all gone keeps being reported (records behind, an age estimate, the committed offset and no
 * members) and falls to 0 once a consumer catches up; an unknown group or topic and an
 * unreachable broker are counted and logged once, never thrown; series start at 0 and stop()
 * removes them.
 */
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { logActions, metrics } from '../src/catalogue/index.ts';
import { monitorConsumerGroups, type ConsumerGroupMonitor } from '../src/kafka/index.ts';
import { freePort } from '../../backends/index.ts';
import { createTopic, startTestBroker, uniqueName, type TestBroker } from './support/kafka.ts';
import { promtoolCheckMetrics } from './support/promtool.ts';
import { metricValue, useFreshRuntime, waitFor, type TestRuntime } from './support/signals.ts';

let broker: TestBroker;
let env: TestRuntime;
let client: Kafka;
let admin: Admin;
const monitors: ConsumerGroupMonitor[] = [];

beforeAll(async () => {
  broker = await startTestBroker();
  env = useFreshRuntime();
  client = new Kafka({ brokers: [...broker.kafka.bootstrapServers], logLevel: logLevel.NOTHING });
  admin = client.admin();
  await admin.connect();
}, 180_000);

afterAll(async () => {
  for (const monitor of monitors) await monitor.stop();
  await admin?.disconnect();
  await broker?.stop();
}, 60_000);

function monitor(options: Partial<Parameters<typeof monitorConsumerGroups>[0]>): ConsumerGroupMonitor {
  const started = monitorConsumerGroups({
    brokers: [...broker.kafka.bootstrapServers],
    groups: [],
    intervalMs: 60_000,
    ...options,
  });
  monitors.push(started);
  return started;
}

async function produce(topic: string, count: number): Promise<void> {
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: count }, (_, i) => ({ value: `${i}` })),
  });
  await producer.disconnect();
}

/** A consumer of `group` that has processed and committed `count` records of `topic`. */
async function consumeUntil(group: string, topic: string, count: number): Promise<Consumer> {
  const consumer = client.consumer({ groupId: group });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommitThreshold: 1,
      eachMessage: async () => {
        seen += 1;
        if (seen === count) resolve();
      },
    });
  });
  return consumer;
}

const partitionLabels = (group: string, topic: string) => ({ group, topic, partition: '0' });
const failures = (reason: string) => metricValue(env.runtime, metrics.kafkaMonitorFailures.name, { reason });
const monitorLogs = (action: string) => env.logs.filter((line) => line['event.action'] === action);

test('a group with every consumer gone keeps its lag reported, and loses it when one catches up', async () => {
  const topic = uniqueName('lag');
  const group = uniqueName('orders');
  await createTopic(admin, topic);
  await produce(topic, 5);
  const first = await consumeUntil(group, topic, 5);
  const lagMonitor = monitor({ groups: [{ group, topics: [topic] }] });
  await waitFor('the commit of offset 5 seen', async () => {
    await lagMonitor.sampleNow();
    return (await metricValue(
      env.runtime,
      metrics.kafkaConsumerGroupOffset.name,
      partitionLabels(group, topic),
    )) === 5
      ? true
      : undefined;
  });
  expect(
    await metricValue(env.runtime, metrics.kafkaConsumerGroupLag.name, partitionLabels(group, topic)),
  ).toBe(0);
  expect(await metricValue(env.runtime, metrics.kafkaConsumerGroupMembers.name, { group })).toBe(1);

  await first.disconnect();
  const producedAt = Date.now();
  await produce(topic, 7);
  await waitFor('7 records behind with no members', async () => {
    await lagMonitor.sampleNow();
    const lag = await metricValue(
      env.runtime,
      metrics.kafkaConsumerGroupLag.name,
      partitionLabels(group, topic),
    );
    const members = await metricValue(env.runtime, metrics.kafkaConsumerGroupMembers.name, { group });
    return lag === 7 && members === 0 ? true : undefined;
  });
  // The oldest unconsumed record appeared between the sample before the produce and the one after.
  await lagMonitor.sampleNow();
  const seconds = await metricValue(
    env.runtime,
    metrics.kafkaConsumerGroupLagSeconds.name,
    partitionLabels(group, topic),
  );
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual((Date.now() - producedAt) / 1000 + 60);
  expect(
    await metricValue(env.runtime, metrics.kafkaConsumerGroupOffset.name, partitionLabels(group, topic)),
  ).toBe(5);

  const second = await consumeUntil(group, topic, 7);
  try {
    await waitFor('caught up', async () => {
      await lagMonitor.sampleNow();
      const lag = await metricValue(
        env.runtime,
        metrics.kafkaConsumerGroupLag.name,
        partitionLabels(group, topic),
      );
      return lag === 0 ? true : undefined;
    });
    expect(
      await metricValue(
        env.runtime,
        metrics.kafkaConsumerGroupLagSeconds.name,
        partitionLabels(group, topic),
      ),
    ).toBe(0);
  } finally {
    await second.disconnect();
  }
});

test('an unknown group is counted and logged once, with no series', async () => {
  const topic = uniqueName('known');
  await createTopic(admin, topic);
  const group = uniqueName('ghost');
  const before = (await failures('unknown_group')) ?? 0;
  const ghost = monitor({ groups: [{ group, topics: [topic] }] });
  await ghost.sampleNow();
  await ghost.sampleNow();
  expect(await failures('unknown_group')).toBeGreaterThanOrEqual(before + 2);
  expect(await metricValue(env.runtime, metrics.kafkaConsumerGroupMembers.name, { group })).toBeUndefined();
  expect(
    await metricValue(env.runtime, metrics.kafkaConsumerGroupLag.name, partitionLabels(group, topic)),
  ).toBeUndefined();
  const logged = monitorLogs(logActions.kafkaMonitorFailed).filter(
    (line) => line['messaging.consumer.group.name'] === group,
  );
  expect(logged).toHaveLength(1);
});

test('an unknown topic is counted and logged once', async () => {
  const topic = uniqueName('missing');
  const before = (await failures('unknown_topic')) ?? 0;
  const missing = monitor({ groups: [{ group: uniqueName('any'), topics: [topic] }] });
  await missing.sampleNow();
  await missing.sampleNow();
  expect(await failures('unknown_topic')).toBeGreaterThanOrEqual(before + 2);
  const logged = monitorLogs(logActions.kafkaMonitorFailed).filter((line) =>
    String(line['error.message']).includes(topic),
  );
  expect(logged).toHaveLength(1);
});

test('an unreachable broker is counted and logged once; sampling never throws', async () => {
  const port = await freePort();
  const before = (await failures('unreachable')) ?? 0;
  const logsBefore = monitorLogs(logActions.kafkaMonitorFailed).length;
  const nowhere = monitorConsumerGroups({
    brokers: [`127.0.0.1:${port}`],
    groups: [{ group: 'g', topics: ['t'] }],
    intervalMs: 60_000,
    timeoutMs: 500,
  });
  monitors.push(nowhere);
  await nowhere.sampleNow();
  await nowhere.sampleNow();
  expect(await failures('unreachable')).toBeGreaterThanOrEqual(before + 2);
  expect(monitorLogs(logActions.kafkaMonitorFailed).length).toBe(logsBefore + 1);
  await nowhere.stop();
});

test('malformed options are refused at call time', () => {
  expect(() => monitorConsumerGroups({ brokers: [], groups: [] })).toThrow(TypeError);
  expect(() => monitorConsumerGroups({ brokers: ['x:1'], groups: [{ group: '', topics: [] }] })).toThrow(
    TypeError,
  );
  expect(() => monitorConsumerGroups({ brokers: ['x:1'], groups: [], intervalMs: 0 })).toThrow(TypeError);
});

test('stop() removes the series; the exposition passes promtool; failure counters start at 0', async () => {
  for (const started of monitors) await started.stop();
  const exposition = await env.runtime.metrics.render('prometheus');
  expect(exposition).not.toMatch(/^messaging_kafka_consumer_group_(lag|members|committed_offset)/m);
  const { code, output } = await promtoolCheckMetrics(exposition);
  expect(output).toBe('');
  expect(code).toBe(0);
  const fresh = useFreshRuntime();
  const idle = monitorConsumerGroups({
    brokers: [...broker.kafka.bootstrapServers],
    groups: [],
    intervalMs: 60_000,
  });
  for (const reason of ['unreachable', 'unknown_group', 'unknown_topic'])
    expect(await metricValue(fresh.runtime, metrics.kafkaMonitorFailures.name, { reason })).toBe(0);
  await idle.stop();
});
