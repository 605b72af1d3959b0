/**
 * Queue alerts that hold when every consumer is dead, against the real RabbitMQ of the machine:
 * a real Prometheus (the pinned 3.5) scrapes RabbitMQ's own endpoint
 * (`/metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count`) and evaluates
 * the generated queue rules (only `for` shortened). Two consumers attach to a queue of the
 * test's own; Prometheus sees them; both connections are killed, as a crash would; messages
 * keep arriving; QueueNoConsumers fires for that queue, from the broker's numbers alone, since
 * nothing of the consumers is left to report anything, with the queue's owner as its service.
 */
import { randomBytes } from 'node:crypto';
import amqp, { type ChannelModel } from 'amqplib';
import { stringify } from 'yaml';
import { startPrometheus, type RunningServer } from '../../../backends/index.ts';
import { defaultConfig, type AlertsConfig } from '../../src/config.ts';
import { renderComponent } from '../../src/render.ts';
import { queues } from '../../src/rules/queues.ts';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const RABBITMQ_METRICS = '127.0.0.1:15692';
const QUEUE = `faultline-alerts-test-${randomBytes(4).toString('hex')}.work`;

const fast: AlertsConfig = {
  ...defaultConfig,
  thresholds: { ...defaultConfig.thresholds, queueNoConsumersFor: '2s', queueStalledFor: '2s' },
  // The service that consumes the test's queues: the broker's series name none.
  queueMetrics: {
    ...defaultConfig.queueMetrics,
    owners: [{ queue: 'faultline-alerts-test-[0-9a-f]+[.]work', service: 'payment-service' }],
  },
};

let prometheus: RunningServer | undefined;
let publisher: ChannelModel | undefined;
const consumers: ChannelModel[] = [];

async function vector(
  expr: string,
): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await fetch(`${prometheus?.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  return (
    (await res.json()) as {
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    }
  ).data.result;
}

async function firing(alertname: string): Promise<Array<Record<string, string>>> {
  const res = await fetch(`${prometheus?.url}/api/v1/alerts`);
  const body = (await res.json()) as {
    data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
  };
  return body.data.alerts
    .filter((a) => a.state === 'firing' && a.labels.alertname === alertname)
    .map((a) => a.labels);
}

async function poll<T>(
  probe: () => Promise<T | undefined>,
  what: () => Promise<string> | string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${await what()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  const rules = renderComponent(queues, fast);
  prometheus = await startPrometheus({
    files: {
      [rules.path]: rules.content,
      'prometheus.yml': stringify({
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        rule_files: [rules.path],
        scrape_configs: [
          {
            job_name: 'rabbitmq',
            metrics_path: '/metrics/detailed',
            params: { family: ['queue_coarse_metrics', 'queue_consumer_count'] },
            static_configs: [{ targets: [RABBITMQ_METRICS] }],
          },
        ],
      }),
    },
  });
  publisher = await amqp.connect(AMQP_URL);
  const channel = await publisher.createChannel();
  await channel.assertQueue(QUEUE, { durable: false, autoDelete: false });
  for (let i = 0; i < 2; i += 1) {
    const connection = await amqp.connect(AMQP_URL);
    connection.on('error', () => undefined);
    const consumerChannel = await connection.createChannel();
    await consumerChannel.consume(QUEUE, (message) => {
      if (message) consumerChannel.ack(message);
    });
    consumers.push(connection);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(consumers.map((c) => c.close().catch(() => undefined)));
  if (publisher) {
    const channel = await publisher.createChannel();
    await channel.deleteQueue(QUEUE).catch(() => undefined);
    await publisher.close().catch(() => undefined);
  }
  await prometheus?.stop();
});

test('QueueNoConsumers fires for a queue whose consumers were all killed, from the broker alone', async () => {
  const queueOf = `queue="${QUEUE}"`;
  await poll(
    async () =>
      (await vector(`rabbitmq_detailed_queue_consumers{${queueOf}} == 2`)).length > 0 ? true : undefined,
    async () =>
      `Prometheus to see 2 consumers on ${QUEUE}; got ${JSON.stringify(await vector(`rabbitmq_detailed_queue_consumers{${queueOf}}`))}`,
  );
  expect((await firing('QueueNoConsumers')).filter((a) => a.messaging_destination_name === QUEUE)).toEqual(
    [],
  );

  // Every consumer dies at once, as their processes would; work keeps arriving.
  await Promise.all(consumers.splice(0).map((c) => c.close()));
  const channel = await publisher!.createChannel();
  for (let i = 0; i < 5; i += 1) channel.sendToQueue(QUEUE, Buffer.from(`order ${i}`));
  await channel.close();

  const [alert] = await poll(
    async () => {
      const mine = (await firing('QueueNoConsumers')).filter((a) => a.messaging_destination_name === QUEUE);
      return mine.length > 0 ? mine : undefined;
    },
    async () =>
      `QueueNoConsumers for ${QUEUE}; broker says ${JSON.stringify(await vector(`{__name__=~"rabbitmq_detailed_queue_(messages_ready|consumers)", ${queueOf}}`))}`,
    90_000,
  );
  // Named after the queue's owner, so PagerDuty's component and routing have a service.
  expect(alert).toEqual({
    alertname: 'QueueNoConsumers',
    severity: 'critical',
    service: 'payment-service',
    messaging_system: 'rabbitmq',
    messaging_destination_name: QUEUE,
    vhost: '/',
  });
  // Nothing of the consumers is left to report: the broker's numbers alone raised it.
  expect(await vector(`rabbitmq_detailed_queue_consumers{${queueOf}} == 0`)).toHaveLength(1);
}, 150_000);
