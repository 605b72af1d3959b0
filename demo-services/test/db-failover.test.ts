/**
 * The orders database fails over under load: a synchronous primary/replica pair of its own, the
 * services on a multi-host DATABASE_URL (failoverPool.ts), the failover supervisor watching. The
 * primary is killed (SIGKILL) while orders stream in; the supervisor promotes the replica, the
 * services reconnect without a restart, and every order answered 202 is in the promoted
 * database, once. Then the old primary is rebuilt as a replica of the new one.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import {
  makeSynchronous,
  replicationStatus,
  startReplica,
  startReplicatedPostgres,
  type ReplicatedPostgres,
} from '../../backends/postgresReplication.ts';
import type { RunningPostgres } from '../../backends/postgres.ts';
import { ReplicationMetrics } from '../failover/replicationMetrics.ts';
import { FailoverSupervisor } from '../failover/supervisor.ts';
import { orderBody, postOrder } from './support/api.ts';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

const DATABASE = 'orders_failover';
/** Bounds of the load: at most this many orders, for at most this long. */
const MAX_ORDERS = 600;
const MAX_LOAD_MS = 45_000;
const WORKERS = 6;

interface Sent {
  readonly key: string;
  readonly status: number;
  readonly orderId?: string;
  /** When the request was sent and when its answer came. */
  readonly startedAt: number;
  readonly at: number;
}

let cluster: ReplicatedPostgres;
let stack: Stack | undefined;
let supervisor: FailoverSupervisor | undefined;
let rebuilt: RunningPostgres | undefined;

beforeAll(async () => {
  cluster = await startReplicatedPostgres(DATABASE, { synchronous: true });
  stack = await startStack({ payments: 1, databaseUrl: cluster.hosts(DATABASE) });
}, 120_000);

afterAll(async () => {
  await supervisor?.stop();
  await stack?.stop();
  await rebuilt?.stop();
  await cluster?.stop();
});

async function rows<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Posts orders from `WORKERS` loops until `done()` or the bounds; every answer goes to `sent`. */
async function load(gatewayUrl: string, sent: Sent[], done: () => boolean): Promise<void> {
  const deadline = Date.now() + MAX_LOAD_MS;
  const worker = async () => {
    while (!done() && sent.length < MAX_ORDERS && Date.now() < deadline) {
      const key = randomUUID();
      const startedAt = Date.now();
      const answer = await postOrder(gatewayUrl, key, orderBody()).catch(() => undefined);
      const orderId = answer?.body.orderId as string | undefined;
      sent.push({ key, status: answer?.status ?? 0, orderId, startedAt, at: Date.now() });
      if (answer?.status !== 202) await delay(20); // a failing database is not hammered
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

test('the primary killed under load: the replica is promoted, services reconnect, no 202 order is lost or duplicated', async () => {
  if (!stack) throw new Error('the stack did not start');
  const primaryUrl = cluster.primary.url(DATABASE);
  const promotedUrl = cluster.replica.url(DATABASE);
  const signals = new ReplicationMetrics();
  supervisor = new FailoverSupervisor({
    primaryUrl,
    replicaUrl: promotedUrl,
    intervalMs: 200,
    metrics: signals,
  });
  const exposition = () => signals.registry.metrics();
  await waitFor(
    async () =>
      (await exposition()).includes('faultline_db_replicas{service="failover-supervisor"} 1')
        ? true
        : undefined,
    async () => `the supervisor to report one streaming replica:\n${await exposition()}`,
  );
  expect(await exposition()).toMatch(
    /faultline_db_replication_lag_bytes\{replica="replica1",service="failover-supervisor"\} \d+/,
  );
  expect(await exposition()).toMatch(
    /faultline_db_replication_lag_seconds\{replica="replica1",service="failover-supervisor"\} [\d.e-]+/,
  );

  let killedAt = 0;
  const acceptedAfterPromotion = () => sent.filter((s) => s.status === 202 && s.at > killedAt).length;
  const sent: Sent[] = [];
  const running = load(stack.gatewayUrl, sent, () => killedAt > 0 && acceptedAfterPromotion() >= 60);
  await waitFor(
    async () =>
      Number((await rows<{ n: string }>(primaryUrl, 'SELECT count(*) AS n FROM orders'))[0]!.n) >= 60
        ? true
        : undefined,
    () => '60 orders to be accepted before the failure',
  );
  killedAt = Date.now();
  process.kill(cluster.primary.process.pid, 'SIGKILL');

  await waitFor(
    () => (supervisor?.state.value === 'promoted' ? true : undefined),
    () => `the supervisor to promote the replica (state ${JSON.stringify(supervisor?.state)})`,
    30_000,
  );
  await waitFor(
    async () =>
      Number((await rows<{ n: string }>(promotedUrl, 'SELECT count(*) AS n FROM orders'))[0]!.n) > 0
        ? true
        : undefined,
    () => 'the promoted database to hold orders',
  );
  await running;

  const accepted = sent.filter((s) => s.status === 202);
  const afterKill = accepted.filter((s) => s.at > killedAt).sort((a, b) => a.at - b.at);
  expect(afterKill.length).toBeGreaterThan(0);

  const stored = await rows<{ id: string }>(promotedUrl, 'SELECT id FROM orders');
  const storedIds = new Set(stored.map((r) => r.id));
  expect(accepted.filter((s) => !storedIds.has(s.orderId!)).map((s) => s.orderId)).toEqual([]);
  expect(storedIds.size).toBe(stored.length);
  const keys = await rows<{ keys: string; orders: string }>(
    promotedUrl,
    'SELECT (SELECT count(*) FROM idempotency_keys) AS keys, (SELECT count(*) FROM orders) AS orders',
  );
  expect(keys[0]!.keys).toBe(keys[0]!.orders);

  await waitFor(
    async () =>
      (await rows<{ n: string }>(promotedUrl, 'SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL'))[0]!
        .n === '0'
        ? true
        : undefined,
    () => 'the outbox relay to publish every order through the promoted database',
    30_000,
  );

  const state = supervisor.state;
  // Writes were unavailable from the kill until the first order sent after it was accepted.
  const firstSentAfter = Math.min(...accepted.filter((s) => s.startedAt > killedAt).map((s) => s.at));
  console.log(
    `db failover: ${accepted.length} orders accepted (${afterKill.length} answered after the kill), ` +
      `${sent.length - accepted.length} refused while failing over; promotion ${state.value === 'promoted' ? state.promotedAt - killedAt : NaN} ms ` +
      `after the kill; time without writes (kill → first 202 of an order sent after it) ${firstSentAfter - killedAt} ms`,
  );
  expect(firstSentAfter - killedAt).toBeLessThan(15_000);

  expect(await exposition()).toContain('faultline_db_promotions_total{service="failover-supervisor"} 1');
  expect(await exposition()).toContain('faultline_db_replicas{service="failover-supervisor"} 0');

  // The old primary comes back as a replica of the promoted one, and takes over as synchronous.
  await cluster.primary.stop();
  rebuilt = await startReplica(cluster.replica, 'replica2');
  await makeSynchronous(cluster.replica, 'replica2');
  const status = await replicationStatus(cluster.replica.url());
  expect(status).toEqual([
    expect.objectContaining({ applicationName: 'replica2', state: 'streaming', syncState: 'sync' }),
  ]);
  await waitFor(
    async () =>
      (await exposition()).includes('faultline_db_replicas{service="failover-supervisor"} 1')
        ? true
        : undefined,
    async () => `the supervisor to report the rebuilt replica:\n${await exposition()}`,
  );
  const replicated = await rows<{ n: string }>(rebuilt.url(DATABASE), 'SELECT count(*) AS n FROM orders');
  expect(Number(replicated[0]!.n)).toBeGreaterThanOrEqual(accepted.length);
}, 180_000);
