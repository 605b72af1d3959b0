/**
 * monitorQueues against the machine's real RabbitMQ: ready, unacknowledged and consumer counts
 * match what the broker itself reports; a missing queue or an unreachable broker is logged once
 * and never throws; the timer samples on its own and stop() ends it.
 */
import type * as Amqp from 'amqplib';
import { logActions, metrics } from '../src/catalogue/index.ts';
import { parseQueueGauge, UNACKED_METRIC } from '../src/messaging/brokerStats.ts';
import { monitorQueues, type QueueMonitor } from '../src/messaging/index.ts';
import { promtoolCheckMetrics } from './support/promtool.ts';
import {
  AMQP_URL,
  RABBITMQ_PROMETHEUS_URL,
  brokerQueueInfo,
  ensurePrometheusPlugin,
  uniqueName,
} from './support/rabbitmq.ts';
import { metricValue, useFreshRuntime, waitFor, type TestRuntime } from './support/signals.ts';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const amqp = require('amqplib') as typeof Amqp;

let env: TestRuntime;
let connection: Amqp.ChannelModel;
let admin: Amqp.Channel;
const queues: string[] = [];
const monitors: QueueMonitor[] = [];

beforeAll(async () => {
  env = useFreshRuntime();
  await ensurePrometheusPlugin();
  connection = await amqp.connect(AMQP_URL);
  admin = await connection.createChannel();
});

afterAll(async () => {
  for (const monitor of monitors) await monitor.stop();
  for (const queue of queues) await admin.deleteQueue(queue);
  await connection.close();
});

async function newQueue(purpose: string): Promise<string> {
  const name = uniqueName(purpose);
  queues.push(name);
  await admin.assertQueue(name, { durable: false });
  return name;
}

function monitor(options: Partial<Parameters<typeof monitorQueues>[0]> & { queues: string[] }): QueueMonitor {
  const started = monitorQueues({ url: AMQP_URL, intervalMs: 60_000, ...options });
  monitors.push(started);
  return started;
}

const labels = (queue: string) => ({ messaging_system: 'rabbitmq', messaging_destination_name: queue });

async function gauges(queue: string) {
  return {
    ready: await metricValue(env.runtime, metrics.messagingQueueDepth.name, {
      ...labels(queue),
      state: 'ready',
    }),
    unacked: await metricValue(env.runtime, metrics.messagingQueueDepth.name, {
      ...labels(queue),
      state: 'unacked',
    }),
    consumers: await metricValue(env.runtime, metrics.messagingQueueConsumers.name, labels(queue)),
  };
}

const sampleLogs = () =>
  env.logs.filter((line) =>
    [logActions.queueSampleFailed, logActions.queueSampleRecovered].includes(line['event.action'] as never),
  );

test('ready, unacked and consumers match what the broker reports', async () => {
  const queue = await newQueue('depth');
  for (let i = 0; i < 5; i += 1) admin.sendToQueue(queue, Buffer.from(String(i)));
  // A consumer that holds 2 messages unacknowledged (prefetch 2) and leaves 3 ready.
  const consumer = await connection.createChannel();
  await consumer.prefetch(2);
  await consumer.consume(queue, () => undefined);
  const sampler = monitor({ queues: [queue], prometheusUrl: RABBITMQ_PROMETHEUS_URL });

  // The broker's HTTP statistics trail AMQP by up to its stats interval (5 s): poll for both.
  const sampled = await waitFor(
    'the monitor and the broker to agree on 3 ready, 2 unacked, 1 consumer',
    async () => {
      await sampler.sampleNow();
      const values = await gauges(queue);
      const broker = await brokerQueueInfo(queue);
      const expected = { ready: 3, unacked: 2, consumers: 1 };
      return JSON.stringify(values) === JSON.stringify(expected) &&
        JSON.stringify(broker) === JSON.stringify(expected)
        ? { values, broker }
        : undefined;
    },
    30_000,
  );

  expect(sampled.values).toEqual(sampled.broker);
  await consumer.close();
});

test('without an HTTP source there is no unacked series, only ready and consumers', async () => {
  const queue = await newQueue('no-http');
  admin.sendToQueue(queue, Buffer.from('x'));
  const sampler = monitor({ queues: [queue] });

  await waitFor('the ready count', async () => {
    await sampler.sampleNow();
    return (await gauges(queue)).ready === 1 ? true : undefined;
  });

  expect(await gauges(queue)).toEqual({ ready: 1, unacked: undefined, consumers: 0 });
});

test('a missing queue is logged once, has no series, and does not stop the others; it appears once declared', async () => {
  const present = await newQueue('present');
  const missing = uniqueName('missing');
  const sampler = monitor({ queues: [missing, present], prometheusUrl: RABBITMQ_PROMETHEUS_URL });
  const before = sampleLogs().length;

  await sampler.sampleNow();
  await sampler.sampleNow();

  expect((await gauges(present)).ready).toBe(0);
  expect(await gauges(missing)).toEqual({ ready: undefined, unacked: undefined, consumers: undefined });
  const failures = sampleLogs().slice(before);
  expect(failures).toHaveLength(1);
  expect(failures[0]).toMatchObject({
    'event.action': logActions.queueSampleFailed,
    'messaging.destination.name': missing,
    'log.level': 'warn',
  });
  expect(String(failures[0]?.['error.message'])).toContain('404');

  queues.push(missing);
  await admin.assertQueue(missing, { durable: false });
  await sampler.sampleNow();

  expect((await gauges(missing)).ready).toBe(0);
  expect(
    sampleLogs()
      .slice(before)
      .map((line) => line['event.action']),
  ).toEqual([logActions.queueSampleFailed, logActions.queueSampleRecovered]);
});

test('an unreachable broker never throws, is logged once and publishes nothing', async () => {
  const queue = uniqueName('unreachable');
  const sampler = monitor({ url: 'amqp://guest:guest@127.0.0.1:1', queues: [queue], timeoutMs: 1000 });
  const before = sampleLogs().length;

  await expect(sampler.sampleNow()).resolves.toBeUndefined();
  await expect(sampler.sampleNow()).resolves.toBeUndefined();

  expect(sampleLogs().slice(before)).toHaveLength(1);
  expect(await gauges(queue)).toEqual({ ready: undefined, unacked: undefined, consumers: undefined });
});

test('the timer samples on its own, and stop() ends sampling and removes the series', async () => {
  const queue = await newQueue('timer');
  const sampler = monitorQueues({ url: AMQP_URL, queues: [queue], intervalMs: 50 });

  await waitFor('a sample from the timer', async () =>
    (await gauges(queue)).ready === 0 ? true : undefined,
  );
  await sampler.stop();

  expect(await gauges(queue)).toEqual({ ready: undefined, unacked: undefined, consumers: undefined });
});

test('rejects options it cannot work with, naming them', () => {
  expect(() => monitorQueues({ url: 'not a url', queues: [] })).toThrow(
    'monitorQueues: url must be an AMQP URL',
  );
  expect(() => monitorQueues({ url: AMQP_URL, queues: [''] })).toThrow(
    'queues must be an array of queue names',
  );
  expect(() => monitorQueues({ url: AMQP_URL, queues: [], intervalMs: 0 })).toThrow(
    'intervalMs must be a positive',
  );
});

test("reads per-queue unacked counts of one vhost from RabbitMQ's detailed metrics", () => {
  const exposition = [
    `# TYPE ${UNACKED_METRIC} gauge`,
    `${UNACKED_METRIC}{vhost="/",queue="orders"} 7`,
    `${UNACKED_METRIC}{vhost="other",queue="orders"} 9`,
    `${UNACKED_METRIC}{vhost="/",queue="a \\"quoted\\" name"} 1`,
    `rabbitmq_detailed_queue_messages_ready{vhost="/",queue="orders"} 3`,
  ].join('\n');

  expect(parseQueueGauge(exposition, UNACKED_METRIC, '/')).toEqual(
    new Map([
      ['orders', 7],
      ['a "quoted" name', 1],
    ]),
  );
});

test('the exposition passes promtool check metrics', async () => {
  const { code, output } = await promtoolCheckMetrics(await env.runtime.metrics.render('prometheus'));
  expect(output).toBe('');
  expect(code).toBe(0);
});
