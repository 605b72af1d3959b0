/**
 * The Kafka backend: one KRaft node from the cached jars, formatted and started on free loopback
 * ports, serves a real client (kafkajs) that creates a topic, produces with acks=all and
 * consumes what it produced; a stopped node starts again on the same port with its data.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { newClusterId } from './kafka.ts';
import { startKafka, type RunningKafka } from './index.ts';
import { apiVersionsRequest, isApiVersionsSuccess, kafkaAnswers } from './kafkaProbe.ts';

let dir: string;
let kafka: RunningKafka;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-kafka-'));
  kafka = await startKafka({ dir });
}, 180_000);

afterAll(async () => {
  await kafka?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

function client(): Kafka {
  return new Kafka({
    clientId: 'backends-test',
    brokers: [...kafka.bootstrapServers],
    logLevel: logLevel.NOTHING,
  });
}

async function consumeValues(consumer: Consumer, topic: string, count: number): Promise<string[]> {
  const values: string[] = [];
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
        if (values.length === count) resolve();
      },
    });
  });
  return values;
}

test('the probe frames an ApiVersions v0 request and recognises a successful answer', () => {
  expect(apiVersionsRequest().toString('hex')).toBe('0000000a001200000000fa17ffff');
  const ok = Buffer.from('0000000e0000fa170000', 'hex');
  expect(isApiVersionsSuccess(ok)).toBe(true);
  expect(isApiVersionsSuccess(Buffer.from('0000000e0000fa170023', 'hex'))).toBe(false);
});

test('a cluster id never starts with "-", which the storage tool would take for an option', () => {
  const draws = [Buffer.from('fb' + '00'.repeat(15), 'hex'), Buffer.from('00'.repeat(16), 'hex')];
  expect(Buffer.from('fb', 'hex').toString('base64url').startsWith('-')).toBe(true);
  expect(newClusterId(() => draws.shift()!)).toBe('AAAAAAAAAAAAAAAAAAAAAA');
  expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
});

test('a single KRaft node serves a real client: created topic, acks=all produce, consume', async () => {
  expect(kafka.brokers).toHaveLength(1);
  const admin = client().admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic: 'backends-roundtrip', numPartitions: 2 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = client().producer({ idempotent: true });
  await producer.connect();
  await producer.send({
    topic: 'backends-roundtrip',
    acks: -1,
    messages: [{ value: 'one' }, { value: 'two' }, { value: 'three' }],
  });
  await producer.disconnect();
  const consumer = client().consumer({ groupId: 'backends-test' });
  await consumer.connect();
  try {
    expect((await consumeValues(consumer, 'backends-roundtrip', 3)).sort()).toEqual(['one', 'three', 'two']);
  } finally {
    await consumer.disconnect();
  }
});

test('a stopped node starts again on the same port with its topics', async () => {
  const [node] = kafka.brokers;
  await node!.stop();
  expect(node!.running).toBe(false);
  expect(await kafkaAnswers('127.0.0.1', Number(node!.address.split(':')[1]))).toBe(false);
  await node!.start();
  const admin = client().admin();
  await admin.connect();
  try {
    expect(await admin.listTopics()).toContain('backends-roundtrip');
  } finally {
    await admin.disconnect();
  }
});
