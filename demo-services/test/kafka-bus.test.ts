/**
 * The order flow's Kafka bus against a real Kafka 4 broker (from `backends/`) and the machine's
 * PostgreSQL: the outbox relay publishes with an idempotent acks=all producer and marks rows
 * sent only once acknowledged; payment-service's consumer commits an offset only after the
 * order is written; a member that stops heartbeating mid-charge (as a killed one does) loses its
 * partition and the record is charged once by the member that takes over; poison records and
 * exhausted retries go to the dead-letter topic; and a broker restart loses no accepted order.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type pg from 'pg';
import { startKafka, type RunningKafka } from '../../backends/index.ts';
import { KafkaOutboxRelay } from '../order-service/kafkaOutboxRelay.ts';
import type { ChargeResult } from '../payment-service/chargePolicy.ts';
import { DEAD_LETTER_REASON_HEADER, KafkaPaymentConsumer } from '../payment-service/kafkaPaymentConsumer.ts';
import { OrderSaga } from '../saga/orderSaga.ts';
import { createPool, dropDatabase, ensureDatabase } from '../shared/db.ts';
import { ensureKafkaTopics, kafkaTopics } from '../shared/kafkaTopics.ts';
import { createLogger } from '../shared/logger.ts';
import { runMigrations } from '../shared/migrations.ts';
import { waitFor } from './support/waitFor.ts';

const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/faultline_kafka_${randomBytes(4).toString('hex')}`;
const log = createLogger('kafka-bus-test', 'error');

let dir: string;
let broker: RunningKafka;
let pool: pg.Pool;
let kafka: Kafka;
let admin: Admin;
const stops: (() => Promise<void>)[] = [];

/** The payment provider as the flow relies on it: one charge per idempotency key (the order id). */
class Provider {
  readonly charges = new Map<string, { chargeId: string; requests: number }>();
  mode: 'up' | 'down' | 'hold' = 'up';
  #release: (() => void) | undefined;

  async charge(request: { orderId: string }): Promise<ChargeResult> {
    const existing = this.charges.get(request.orderId) ?? { chargeId: `ch_${randomUUID()}`, requests: 0 };
    existing.requests += 1;
    this.charges.set(request.orderId, existing);
    if (this.mode === 'down') return { kind: 'unavailable', error: new Error('provider down') };
    if (this.mode === 'hold') await new Promise<void>((resolve) => (this.#release = resolve));
    return { kind: 'charged', chargeId: existing.chargeId };
  }

  release(): void {
    this.#release?.();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-kafka-bus-'));
  broker = await startKafka({ dir });
  await ensureDatabase(DATABASE_URL);
  pool = createPool(DATABASE_URL);
  await runMigrations(pool);
  kafka = new Kafka({
    clientId: 'kafka-bus-test',
    brokers: [...broker.bootstrapServers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 3_000 },
  });
  admin = kafka.admin();
  await admin.connect();
}, 180_000);

// Each test's clients stop with it: a consumer left running through the next test's broker
// restart would crash and restart itself in the background.
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
}, 60_000);

afterAll(async () => {
  await admin?.disconnect();
  await pool?.end();
  await dropDatabase(DATABASE_URL).catch(() => undefined);
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
}, 90_000);

let topicCount = 0;
async function newTopics() {
  topicCount += 1;
  const topics = kafkaTopics(`t${topicCount}-${randomBytes(3).toString('hex')}.`);
  await ensureKafkaTopics(admin, topics, 1, 1);
  return topics;
}

/** Writes an order and its outbox row, as order-service does in one transaction. */
async function acceptOrder(payload?: unknown): Promise<string> {
  const orderId = randomUUID();
  await pool.query(
    `INSERT INTO orders (id, customer_id, items, amount_cents, payment_token) VALUES ($1, 'c1', '[]', 1200, 'tok_ok')`,
    [orderId],
  );
  await pool.query(`INSERT INTO outbox (topic, message_key, payload) VALUES ('orders.created', $1, $2)`, [
    orderId,
    JSON.stringify(payload ?? { orderId, amountCents: 1200, paymentToken: 'tok_ok' }),
  ]);
  return orderId;
}

function relay(topics: { orders: string }): KafkaOutboxRelay {
  const started = new KafkaOutboxRelay({ pool, kafka, topicOf: () => topics.orders, pollMs: 100, log });
  stops.push(() => started.stop());
  return started;
}

async function consumer(topics: ReturnType<typeof kafkaTopics>, provider: Provider, groupId: string) {
  const started = new KafkaPaymentConsumer({
    kafka,
    topics,
    groupId,
    saga: new OrderSaga({ pool, policy: provider, maxDeliveries: 2, log }),
    redeliveryDelayMs: 200,
    sessionTimeoutMs: 6_000,
    log,
  });
  stops.push(() => started.stop());
  await started.start();
  return started;
}

const statusOf = async (orderId: string) =>
  (await pool.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [orderId])).rows[0]
    ?.status;

async function committed(groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Number(offsets?.partitions[0]?.offset ?? -1);
}

async function deadLetters(topic: string, count: number): Promise<{ reason: string; value: string }[]> {
  const reader = kafka.consumer({ groupId: `dlt-reader-${randomUUID()}` });
  stops.push(() => reader.disconnect());
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
  const { rows } = await pool.query('SELECT sent_at FROM outbox WHERE message_key = $1', [orderId]);
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
  const stored = await pool.query('SELECT charge_id FROM orders WHERE id = $1', [orderId]);
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
}, 60_000);

test('a broker restart loses no accepted order: rows stay unsent while it is down', async () => {
  const topics = await newTopics();
  const provider = new Provider();
  const group = `payments-${randomUUID()}`;
  const before = await acceptOrder();
  const relayer = relay(topics);
  expect(await relayer.relayOnce()).toBe(1);
  const [node] = broker.brokers;
  await node!.stop();
  const during = await acceptOrder();
  expect(await relayer.relayOnce()).toBe(0);
  const unsent = await pool.query('SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL');
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
