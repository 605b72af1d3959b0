/**
 * The demo on the Kafka bus (`npm run demo -- --bus kafka`), as `npm run demo` starts it
 * (instrumented child processes behind HAProxy, a Kafka broker of its own from `backends/`) on
 * free ports and names of its own: orders placed through the API are paid by the
 * payment-service group; `consumer-stall` makes the group's lag, as order-service's monitor
 * publishes it, grow while nothing is paid, and `reset` pays everything; a member killed
 * mid-charge hands its partitions over and the order is charged once; `broker-kill` loses no
 * accepted order once the broker is back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SPAN_KIND, startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/index.ts';
import { demoChaos } from '../console/demoChaos.ts';
import { PAYMENT_GROUP } from '../shared/kafkaTopics.ts';
import { orderBody, postOrder } from './support/api.ts';
import { isolatedDemoSuite } from './support/isolatedDemoSuite.ts';
import { waitFor } from './support/waitFor.ts';

let traces: OtlpTraceReceiver | undefined;
beforeAll(async () => {
  traces = await startOtlpTraceReceiver();
});
afterAll(async () => {
  await traces?.close();
});

const runningDemo = isolatedDemoSuite('kafka', () => ({
  bus: { kind: 'kafka' },
  ...(traces ? { otlpEndpoint: traces.url } : {}),
}));

/** The monitor samples every 5 s; a broker restart takes its own while on 2 busy cores. */
const LAG_TIMEOUT_MS = 45_000;
const RECOVERY_TIMEOUT_MS = 120_000;

async function placeOrders(count: number): Promise<string[]> {
  const api = runningDemo().urls.api as string;
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await postOrder(api, randomUUID(), orderBody());
    expect(answer.status).toBe(202);
    ids.push(answer.body.orderId as string);
  }
  return ids;
}

async function statuses(ids: readonly string[]): Promise<Record<string, number>> {
  const { rows } = await runningDemo().pool.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) GROUP BY status',
    [ids],
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

async function allPaid(ids: readonly string[], timeoutMs = 60_000): Promise<void> {
  await waitFor(
    async () => ((await statuses(ids)).paid === ids.length ? true : undefined),
    async () => `all ${ids.length} orders paid; statuses ${JSON.stringify(await statuses(ids))}`,
    timeoutMs,
    250,
  );
}

/** A gauge of payment-service's group on order-service's metrics endpoint, summed over partitions. */
async function groupGauge(name: string): Promise<number | undefined> {
  const text = await (await fetch(runningDemo().metricsUrls['order-service'] as string)).text();
  const series = text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(`group="${PAYMENT_GROUP}"`));
  return series.length === 0 ? undefined : series.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
}

const lag = () => groupGauge('messaging_kafka_consumer_group_lag');

test('orders placed through the API are paid by the payment-service group, its lag back to 0', async () => {
  const ids = await placeOrders(5);
  await allPaid(ids);
  await waitFor(
    async () => ((await groupGauge('messaging_kafka_consumer_group_members')) === 2 ? true : undefined),
    async () =>
      `2 members of ${PAYMENT_GROUP}; saw ${await groupGauge('messaging_kafka_consumer_group_members')}`,
    LAG_TIMEOUT_MS,
    500,
  );
  await waitFor(
    async () => ((await lag()) === 0 ? true : undefined),
    async () => `lag 0; saw ${await lag()}`,
    LAG_TIMEOUT_MS,
    500,
  );
  // The flow's topic, with the demo's prefix, is what is sampled.
  const text = await (await fetch(runningDemo().metricsUrls['order-service'] as string)).text();
  const topics = new Set(
    [...text.matchAll(/^messaging_kafka_consumer_group_lag\{[^}]*topic="([^"]+)"/gm)].map((m) => m[1]),
  );
  expect([...topics]).toHaveLength(1);
  expect([...topics][0]).toMatch(/^kafka[0-9a-f]{6}\.orders\.created$/);
}, 120_000);

test("an order's trace crosses Kafka: the payment consumer's span continues the relay's producer span", async () => {
  if (!traces) throw new Error('no trace receiver');
  const traceId = randomBytes(16).toString('hex');
  const response = await fetch(`${runningDemo().urls.api as string}/api/orders`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    },
    body: JSON.stringify(orderBody()),
  });
  expect(response.status).toBe(202);
  const consumer = await traces.waitForSpan(
    (span) =>
      span.traceId === traceId &&
      span.kind === SPAN_KIND.CONSUMER &&
      span.resource['service.name'] === 'payment-service',
    { timeoutMs: 30_000 },
  );
  expect(consumer.attributes['messaging.system']).toBe('kafka');
  // order-service exports on its own schedule: its producer span may arrive after the consumer's.
  const producer = await traces.waitForSpan((span) => span.spanId === consumer.parentSpanId, {
    timeoutMs: 30_000,
  });
  expect(producer).toMatchObject({ kind: SPAN_KIND.PRODUCER, traceId });
  expect(producer?.resource['service.name']).toBe('order-service');
});

test('the RabbitMQ fault is refused on Kafka by the control channel (npm run chaos) and the console', async () => {
  const running = runningDemo();
  const control = new URL(running.urls.control as string).origin;
  const refused = await fetch(`${control}/broker-down`, { method: 'POST' });
  expect(refused.status).toBe(409);
  expect(((await refused.json()) as { error: string }).error).toBe(
    'broker-down needs the RabbitMQ bus, and this demo runs on Kafka: start it with ' +
      '`npm run demo -- --bus rabbitmq` (on Kafka, broker-kill stops the broker)',
  );
  await expect(demoChaos(running.chaosTargets).inject({ kind: 'broker-down' })).rejects.toThrow(
    'broker-down needs the RabbitMQ bus',
  );
  const status = (await (await fetch(`${control}/status`)).json()) as { bus: unknown };
  expect(status.bus).toEqual({ kind: 'kafka', faults: [] });
});

test('consumer-stall: the group lag grows while nothing is paid; reset pays every order', async () => {
  const chaos = demoChaos(runningDemo().chaosTargets);
  await chaos.inject({ kind: 'consumer-stall' });
  expect(await chaos.active()).toContainEqual({ kind: 'consumer-stall' });
  const ids = await placeOrders(6);
  await waitFor(
    async () => (((await lag()) ?? 0) >= ids.length ? true : undefined),
    async () => `lag of at least ${ids.length}; saw ${await lag()}`,
    LAG_TIMEOUT_MS,
    500,
  );
  expect(await statuses(ids)).toEqual({ pending: ids.length });
  await chaos.reset();
  expect(await chaos.active()).toEqual([]);
  await allPaid(ids);
  await waitFor(
    async () => ((await lag()) === 0 ? true : undefined),
    async () => `lag back to 0; saw ${await lag()}`,
    LAG_TIMEOUT_MS,
    500,
  );
}, 180_000);

test('a payment-service killed mid-charge: the other member takes its partitions, the order is charged once', async () => {
  const running = runningDemo();
  const chaos = demoChaos(running.chaosTargets);
  const provider = new URL(running.urls['payment-provider admin'] as string).origin;
  const members = () => groupGauge('messaging_kafka_consumer_group_members');
  // payment-service-1 alone in the group, so it is the one charging the next order.
  await chaos.inject({ kind: 'kill', service: 'payment-service-2' });
  await waitFor(
    async () => ((await members()) === 1 ? true : undefined),
    async () => `1 member left in ${PAYMENT_GROUP}; saw ${await members()}`,
    LAG_TIMEOUT_MS,
    500,
  );
  const charges = async () =>
    (await (await fetch(`${provider}/admin/charges`)).json()) as {
      requests: number;
      charges: { id: string; idempotencyKey: string; requests: number }[];
    };
  const before = (await charges()).requests;
  await fetch(`${provider}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: 1500 }),
  });
  const [orderId] = await placeOrders(1);
  await waitFor(
    async () => ((await charges()).requests > before ? true : undefined),
    () => 'payment-service-1 to call the provider',
  );
  await chaos.inject({ kind: 'kill', service: 'payment-service-1' });
  expect(await statuses([orderId!])).toEqual({ pending: 1 });
  await chaos.clear({ kind: 'kill', service: 'payment-service-2' });
  await allPaid([orderId!], RECOVERY_TIMEOUT_MS);
  const mine = (await charges()).charges.filter((charge) => charge.idempotencyKey === orderId);
  expect(mine).toHaveLength(1);
  expect(mine[0]?.requests).toBe(2);
  const { rows } = await running.pool.query<{ charge_id: string }>(
    'SELECT charge_id FROM orders WHERE id = $1',
    [orderId],
  );
  expect(rows[0]?.charge_id).toBe(mine[0]?.id);
  await chaos.reset();
}, 240_000);

test('broker-kill: orders accepted while the broker is dead are all paid once it is back', async () => {
  const running = runningDemo();
  if (running.bus.kind !== 'kafka') throw new Error('the demo does not run on Kafka');
  const [broker] = running.bus.kafka.brokers;
  const chaos = demoChaos(running.chaosTargets);
  const before = await placeOrders(3);
  await chaos.inject({ kind: 'broker-kill' });
  expect(broker?.running).toBe(false);
  const during = await placeOrders(3);
  const unsent = await running.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL',
  );
  expect(unsent.rows[0]?.n).toBeGreaterThanOrEqual(during.length);
  await chaos.reset();
  expect(broker?.running).toBe(true);
  await allPaid([...before, ...during], RECOVERY_TIMEOUT_MS);
  const { rows } = await running.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM orders WHERE status <> 'paid'",
  );
  expect(rows[0]?.n).toBe(0);
}, 240_000);
