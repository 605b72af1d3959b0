/**
 * The order flow's Kafka bus against a real Kafka 4 broker (from `backends/`) and the machine's
 * PostgreSQL: the outbox relay publishes with an idempotent acks=all producer and marks rows
 * sent only once acknowledged; payment-service's consumer commits an offset only after the
 * order is written; a member that stops heartbeating mid-charge (as a killed one does) loses its
 * partition and the record is charged once by the member that takes over; poison records and
 * exhausted retries go to the dead-letter topic; and a broker restart loses no accepted order.
 */
import { randomUUID } from 'node:crypto';
import { getMetricsRegistry } from '@faultline/instrumentation';
import { DEAD_LETTER_REASON_HEADER } from '../payment-service/kafkaPaymentConsumer.ts';
import { kafkaFlowSuite, Provider } from './support/kafkaFlowSuite.ts';
import { waitFor } from './support/waitFor.ts';

const flow = kafkaFlowSuite('kafka_bus');

const acceptOrder = (payload?: unknown) => flow().acceptOrder(payload);
const relay: ReturnType<typeof flow>['relay'] = (topics) => flow().relay(topics);
const consumer: ReturnType<typeof flow>['consumer'] = (...args) => flow().consumer(...args);
const newTopics = () => flow().newTopics();
const statusOf = (orderId: string) => flow().statusOf(orderId);

/** `demo_dead_letters_total` by reason, as this process counts it. */
async function deadLetterCounts(): Promise<Record<'poison' | 'retries_exhausted', number>> {
  const metric = await getMetricsRegistry().registry.getSingleMetric('demo_dead_letters_total')?.get();
  const count = (reason: string) =>
    (metric?.values ?? []).filter((v) => v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);
  return { poison: count('poison'), retries_exhausted: count('retries_exhausted') };
}

async function committed(groupId: string, topic: string): Promise<number> {
  const [offsets] = await flow().admin.fetchOffsets({ groupId, topics: [topic] });
  return Number(offsets?.partitions[0]?.offset ?? -1);
}

async function deadLetters(topic: string, count: number): Promise<{ reason: string; value: string }[]> {
  const reader = flow().kafka.consumer({ groupId: `dlt-reader-${randomUUID()}` });
  flow().onCleanup(() => reader.disconnect());
  await reader.connect();
  await reader.subscribe({ topic, fromBeginning: true });
  const found: { reason: string; value: string }[] = [];
  await new Promise<void>((resolve) => {
    void reader.run({
      eachMessage: async ({ message }) => {
        found.push({
          reason: message.headers?.[DEAD_LETTER_REASON_HEADER]?.toString() ?? '',
          value: message.value?.toString() ?? '',
        });
        if (found.length === count) resolve();
      },
    });
  });
  return found;
}

test('an accepted order is relayed, charged once, and its offset committed only after it is paid', async () => {
  const topics = await newTopics();
  const provider = new Provider();
  const group = `payments-${randomUUID()}`;
  const orderId = await acceptOrder();
  expect(await relay(topics).relayOnce()).toBe(1);
  const { rows } = await flow().pool.query('SELECT sent_at FROM outbox WHERE message_key = $1', [orderId]);
  expect(rows[0].sent_at).not.toBeNull();
  provider.mode = 'hold';
  await consumer(topics, provider, group);
  await waitFor(
    () => (provider.charges.get(orderId)?.requests === 1 ? true : undefined),
    () => 'the charge request',
  );
  // Charged but not yet written: nothing committed.
  expect(await committed(group, topics.orders)).toBe(-1);
  provider.release();
  await waitFor(
    async () => ((await committed(group, topics.orders)) === 1 ? true : undefined),
    () => 'the offset committed',
  );
  expect(await statusOf(orderId)).toBe('paid');
  expect(provider.charges.get(orderId)).toMatchObject({ requests: 1 });
});

test('a member that stops heartbeating mid-charge loses its partition; the record is charged once', async () => {
  const topics = await newTopics();
  const provider = new Provider();
  const group = `payments-${randomUUID()}`;
  provider.mode = 'hold';
  const stuck = await consumer(topics, provider, group);
  const orderId = await acceptOrder();
  await relay(topics).relayOnce();
  await waitFor(
    () => (provider.charges.get(orderId)?.requests === 1 ? true : undefined),
    () => 'the first member to call the provider',
  );
  provider.mode = 'up';
  await consumer(topics, provider, group);
  await waitFor(
    async () => ((await statusOf(orderId)) === 'paid' ? true : undefined),
    () => 'the order paid by the member that took the partition over',
    30_000,
  );
  provider.release();
  await stuck.stop();
  const charge = provider.charges.get(orderId);
  expect(charge?.requests).toBe(2);
  const stored = await flow().pool.query('SELECT charge_id FROM orders WHERE id = $1', [orderId]);
  expect(stored.rows[0].charge_id).toBe(charge?.chargeId);
  await waitFor(
    async () => ((await committed(group, topics.orders)) === 1 ? true : undefined),
    () => 'the offset committed by the new member',
  );
}, 60_000);

test('poison records and exhausted retries go to the dead-letter topic; the partition moves on', async () => {
  const topics = await newTopics();
  const provider = new Provider();
  const group = `payments-${randomUUID()}`;
  const before = await deadLetterCounts();
  await acceptOrder({ not: 'an order' });
  const exhausted = await acceptOrder();
  await relay(topics).relayOnce();
  provider.mode = 'down';
  await consumer(topics, provider, group);
  const letters = await deadLetters(topics.deadLetter, 2);
  expect(letters.map((letter) => letter.reason)).toEqual(['poison', 'retries_exhausted']);
  await waitFor(
    async () => ((await committed(group, topics.orders)) === 2 ? true : undefined),
    () => 'both offsets committed',
  );
  expect(await statusOf(exhausted)).toBe('failed');
  expect(provider.charges.get(exhausted)?.requests).toBe(2);
  const after = await deadLetterCounts();
  expect([after.poison - before.poison, after.retries_exhausted - before.retries_exhausted]).toEqual([1, 1]);
}, 60_000);

test('a broker restart loses no accepted order: rows stay unsent while it is down', async () => {
  const topics = await newTopics();
  const provider = new Provider();
  const group = `payments-${randomUUID()}`;
  const before = await acceptOrder();
  const relayer = relay(topics);
  expect(await relayer.relayOnce()).toBe(1);
  const [node] = flow().broker.brokers;
  await node!.stop();
  const during = await acceptOrder();
  expect(await relayer.relayOnce()).toBe(0);
  const unsent = await flow().pool.query('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL');
  expect(unsent.rows[0].n).toBeGreaterThanOrEqual(1);
  await node!.start();
  await waitFor(
    async () => ((await relayer.relayOnce()) >= 1 ? true : undefined),
    () => 'the unsent row relayed after the restart',
    60_000,
  );
  await consumer(topics, provider, group);
  await waitFor(
    async () =>
      (await statusOf(before)) === 'paid' && (await statusOf(during)) === 'paid' ? true : undefined,
    () => 'both orders paid',
    60_000,
  );
  expect(provider.charges.get(before)?.requests).toBe(1);
  expect(provider.charges.get(during)?.requests).toBe(1);
}, 120_000);
