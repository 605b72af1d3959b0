/**
 * The order flow on a three-node Kafka cluster (real KRaft nodes from `backends/`) with the
 * topic durability `ensureKafkaTopics` gives it there: replication factor 3 and
 * min.insync.replicas 2. Orders keep being accepted and relayed while the leader of the orders
 * partition is SIGKILLed: every accepted order is relayed, paid, and charged once.
 */
import { kafkaFlowSuite, Provider } from './support/kafkaFlowSuite.ts';
import { waitFor } from './support/waitFor.ts';

const flow = kafkaFlowSuite('kafka_cluster', { brokers: 3 });

const ORDERS_BEFORE = 10;
const ORDERS_AFTER = 10;

async function leaderOf(topic: string): Promise<number> {
  const { topics } = await flow().admin.fetchTopicMetadata({ topics: [topic] });
  const partition = topics[0]?.partitions[0];
  if (!partition) throw new Error(`no metadata for ${topic}`);
  return partition.leader;
}

async function paidCount(ids: readonly string[]): Promise<number> {
  const { rows } = await flow().pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'paid'",
    [ids],
  );
  return rows[0]?.n ?? 0;
}

test('the orders topic is replicated three times and needs two in-sync replicas', async () => {
  const { orders } = await flow().newTopics();
  const { topics } = await flow().admin.fetchTopicMetadata({ topics: [orders] });
  expect(topics[0]?.partitions[0]?.replicas).toHaveLength(3);
  const { resources } = await flow().admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: orders, configNames: ['min.insync.replicas'] }],
  });
  expect(resources[0]?.configEntries[0]?.configValue).toBe('2');
});

test('killing the partition leader mid-stream loses no accepted order and charges each once', async () => {
  const { broker, pool } = flow();
  const topics = await flow().newTopics();
  const provider = new Provider();
  const group = 'payment-service-cluster';
  await flow().consumer(topics, provider, group);
  await flow().consumer(topics, provider, group);
  flow().relay(topics).start();
  const ids: string[] = [];
  for (let i = 0; i < ORDERS_BEFORE; i += 1) ids.push(await flow().acceptOrder());
  await waitFor(
    async () => ((await paidCount(ids)) >= ORDERS_BEFORE / 2 ? true : undefined),
    async () => `half the first orders paid; ${await paidCount(ids)} are`,
    60_000,
  );
  const leader = await leaderOf(topics.orders);
  const killed = broker.brokers.find((node) => node.nodeId === leader);
  if (!killed) throw new Error(`leader ${leader} is not one of the cluster's nodes`);
  await killed.kill();
  for (let i = 0; i < ORDERS_AFTER; i += 1) ids.push(await flow().acceptOrder());
  await waitFor(
    async () => ((await paidCount(ids)) === ids.length ? true : undefined),
    async () => `all ${ids.length} orders paid with node ${leader} dead; ${await paidCount(ids)} are`,
    120_000,
    250,
  );
  expect(await leaderOf(topics.orders)).not.toBe(leader);
  // One charge per order: the provider's charge is the one stored on the order.
  const { rows } = await pool.query<{ id: string; charge_id: string }>(
    'SELECT id, charge_id FROM orders WHERE id = ANY($1::uuid[])',
    [ids],
  );
  for (const row of rows) expect(row.charge_id).toBe(provider.charges.get(row.id)?.chargeId);
  const unsent = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL',
  );
  expect(unsent.rows[0]?.n).toBe(0);
}, 240_000);
