/**
 * A three-node Kafka cluster (each node controller and broker) on loopback: a topic replicated
 * three times with min.insync.replicas 2 loses no record acknowledged to an idempotent acks=all
 * producer when the leader of a partition is killed (SIGKILL) in the middle of the stream, and
 * delivers each of them exactly once; with a second node gone too, acks=all writes are refused
 * instead of being accepted unsafely.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startKafka, type RunningKafka } from './index.ts';

const TOPIC = 'orders-replicated';
const RECORDS = 300;

let dir: string;
let kafka: RunningKafka;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-kafka-cluster-'));
  kafka = await startKafka({ dir, brokers: 3, heapMiB: 256 });
}, 240_000);

afterAll(async () => {
  await kafka?.stop();
  await rm(dir, { recursive: true, force: true });
}, 90_000);

function client(): Kafka {
  return new Kafka({
    clientId: 'cluster-test',
    brokers: [...kafka.bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 5_000 },
  });
}

/** Every value of `topic`, read from the beginning by a fresh group until `count` arrived. */
async function readAll(topic: string, count: number): Promise<string[]> {
  const consumer = client().consumer({ groupId: `verify-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  try {
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length >= count) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

test('three nodes answer clients and form one cluster', async () => {
  const admin = client().admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    expect(brokers.map((broker) => broker.nodeId).sort()).toEqual([1, 2, 3]);
  } finally {
    await admin.disconnect();
  }
});

test('killing a partition leader mid-stream loses no acknowledged record and duplicates none', async () => {
  const admin = client().admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: TOPIC,
        numPartitions: 3,
        replicationFactor: 3,
        configEntries: [{ name: 'min.insync.replicas', value: '2' }],
      },
    ],
  });
  const metadata = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  await admin.disconnect();
  const leaderId = metadata.topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
  const leader = kafka.brokers.find((broker) => broker.nodeId === leaderId)!;

  const producer = client().producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const acknowledged: string[] = [];
  for (let batch = 0; batch < RECORDS / 10; batch += 1) {
    if (batch === 10) await leader.kill();
    const values = Array.from({ length: 10 }, (_, i) => `order-${batch * 10 + i}`);
    await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ key: value, value })) });
    acknowledged.push(...values);
  }
  await producer.disconnect();
  expect(leader.running).toBe(false);

  const read = await readAll(TOPIC, acknowledged.length);
  expect(read.length).toBe(acknowledged.length);
  expect(new Set(read)).toEqual(new Set(acknowledged));
});

test('with two of three nodes down, acks=all writes are refused rather than accepted unsafely', async () => {
  const [second] = kafka.brokers.filter((broker) => broker.running);
  await second!.kill();
  const producer = new Kafka({
    clientId: 'cluster-test-minisr',
    brokers: kafka.brokers.filter((broker) => broker.running).map((broker) => broker.address),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
  }).producer({ idempotent: true });
  await producer.connect().catch(() => undefined);
  await expect(
    producer.send({ topic: TOPIC, acks: -1, timeout: 3_000, messages: [{ value: 'unsafe' }] }),
  ).rejects.toThrow();
  await producer.disconnect().catch(() => undefined);
}, 120_000);
