/**
 * The order flow's Kafka pieces under test, without the rest of the demo: a real Kafka broker or
 * cluster from `backends/` and a database of their own on the machine's PostgreSQL, the outbox
 * relay and payment consumers started on demand and stopped after each test, and a provider
 * that charges once per idempotency key (the order id), as the real one does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type pg from 'pg';
import { startKafka, type RunningKafka } from '../../../backends/index.ts';
import { KafkaOutboxRelay } from '../../order-service/kafkaOutboxRelay.ts';
import type { ChargeResult } from '../../payment-service/chargePolicy.ts';
import { KafkaPaymentConsumer } from '../../payment-service/kafkaPaymentConsumer.ts';
import { OrderSaga } from '../../saga/orderSaga.ts';
import { createPool, dropDatabase, ensureDatabase } from '../../shared/db.ts';
import { ensureKafkaTopics, kafkaTopics, type KafkaTopics } from '../../shared/kafkaTopics.ts';
import { createLogger } from '../../shared/logger.ts';
import { runMigrations } from '../../shared/migrations.ts';

const log = createLogger('kafka-flow-test', 'error');

/** The payment provider as the flow relies on it: one charge per idempotency key (the order id). */
export class Provider {
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

/** What a test of the flow reaches. */
export interface KafkaFlow {
  readonly broker: RunningKafka;
  readonly pool: pg.Pool;
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Fresh topics (prefixed, so tests never share one), replicated over every broker up to 3. */
  newTopics(partitions?: number): Promise<KafkaTopics>;
  /** Writes an order and its outbox row, as order-service does in one transaction. */
  acceptOrder(payload?: unknown): Promise<string>;
  /** A relay of `topics` (not started: call `relayOnce`, or `start`), stopped after the test. */
  relay(topics: KafkaTopics): KafkaOutboxRelay;
  /** A started payment consumer in `groupId`, stopped after the test. */
  consumer(topics: KafkaTopics, provider: Provider, groupId: string): Promise<KafkaPaymentConsumer>;
  /** Something else to stop after the test. */
  onCleanup(stop: () => Promise<void>): void;
  statusOf(orderId: string): Promise<string | undefined>;
}

/**
 * Registers the file's hooks for a broker of `brokers` nodes (default 1) and a database of its
 * own; the returned function gives the flow inside a test.
 */
export function kafkaFlowSuite(label: string, options: { brokers?: number } = {}): () => KafkaFlow {
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/faultline_${label}_${randomBytes(4).toString('hex')}`;
  const brokers = options.brokers ?? 1;
  const stops: (() => Promise<void>)[] = [];
  let dir: string | undefined;
  let flow: KafkaFlow | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `faultline-${label}-`));
    const broker = await startKafka({ dir, brokers, ...(brokers > 1 ? { heapMiB: 256 } : {}) });
    await ensureDatabase(databaseUrl);
    const pool = createPool(databaseUrl);
    await runMigrations(pool);
    const kafka = new Kafka({
      clientId: `${label}-test`,
      brokers: [...broker.bootstrapServers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 3_000 },
    });
    const admin = kafka.admin();
    await admin.connect();
    flow = flowOf(broker, pool, kafka, admin, brokers, stops);
  }, 240_000);

  // Each test's clients stop with it: a consumer left running through the next test's broker
  // restart would crash and restart itself in the background.
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  }, 60_000);

  afterAll(async () => {
    await flow?.admin.disconnect();
    await flow?.pool.end();
    await dropDatabase(databaseUrl).catch(() => undefined);
    await flow?.broker.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 90_000);

  return () => {
    if (!flow) throw new Error('the Kafka flow did not start');
    return flow;
  };
}

function flowOf(
  broker: RunningKafka,
  pool: pg.Pool,
  kafka: Kafka,
  admin: Admin,
  brokers: number,
  stops: (() => Promise<void>)[],
): KafkaFlow {
  let topicCount = 0;
  return {
    broker,
    pool,
    kafka,
    admin,
    async newTopics(partitions = 1) {
      topicCount += 1;
      const topics = kafkaTopics(`t${topicCount}-${randomBytes(3).toString('hex')}.`);
      await ensureKafkaTopics(admin, topics, brokers, partitions);
      return topics;
    },
    async acceptOrder(payload) {
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
    },
    relay(topics) {
      const started = new KafkaOutboxRelay({ pool, kafka, topicOf: () => topics.orders, pollMs: 100, log });
      stops.push(() => started.stop());
      return started;
    },
    async consumer(topics, provider, groupId) {
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
    },
    onCleanup(stop) {
      stops.push(stop);
    },
    async statusOf(orderId) {
      const { rows } = await pool.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [
        orderId,
      ]);
      return rows[0]?.status;
    },
  };
}
