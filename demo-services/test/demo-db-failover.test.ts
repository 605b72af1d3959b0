/**
 * `npm run chaos -- db-failover` on the demo as `npm run demo` runs it: its own synchronous
 * primary and replica with the failover supervisor, the services (child processes) on the
 * multi-host URL. The chaos command's control request kills the primary under a stream of
 * orders; the replica is promoted, the services carry on without a restart, every order answered
 * 202 is stored once and paid, and the killed member comes back as a synchronous replica on its
 * old port, so a second failover works the same way.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { replicationStatus } from '../../backends/postgresReplication.ts';
import type { DatabaseStatus } from '../demo/replicatedDatabase.ts';
import { orderBody, postOrder } from './support/api.ts';
import { control } from './support/control.ts';
import { isolatedDemoSuite } from './support/isolatedDemoSuite.ts';
import { waitFor } from './support/waitFor.ts';

/** Bounds of the load: at most this many orders, for at most this long. */
const MAX_ORDERS = 400;
const MAX_LOAD_MS = 60_000;

const demo = isolatedDemoSuite('dbfailover', { replicatedDatabase: true });

const databaseStatus = async (): Promise<DatabaseStatus> =>
  (await control(demo(), 'GET', '/status')).body.database as DatabaseStatus;

/** Posts orders through HAProxy from 4 loops until `done()` or the bounds; returns the 202 order ids. */
async function load(done: () => boolean, accepted: { orderId: string; at: number }[]): Promise<number> {
  const deadline = Date.now() + MAX_LOAD_MS;
  let sent = 0;
  const worker = async () => {
    while (!done() && sent < MAX_ORDERS && Date.now() < deadline) {
      sent += 1;
      const answer = await postOrder(demo().urls.api!, randomUUID(), orderBody()).catch(() => undefined);
      if (answer?.status === 202) accepted.push({ orderId: answer.body.orderId as string, at: Date.now() });
      else await delay(20); // a database failing over is not hammered
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return sent;
}

/** Kills the primary through the chaos endpoint under load; returns what was accepted. */
async function failOverUnderLoad(): Promise<{
  accepted: { orderId: string; at: number }[];
  killedPort: number;
}> {
  const accepted: { orderId: string; at: number }[] = [];
  let killedAt = 0;
  const afterKill = () => accepted.filter((a) => killedAt > 0 && a.at > killedAt).length;
  const running = load(() => afterKill() >= 30, accepted);
  await waitFor(
    () => (accepted.length >= 30 ? true : undefined),
    () => `30 orders accepted before the kill (${accepted.length})`,
  );
  const killed = await control(demo(), 'POST', '/db-failover');
  expect(killed.status).toBe(200);
  killedAt = Date.now();
  await running;
  expect(afterKill()).toBeGreaterThanOrEqual(30);
  return { accepted, killedPort: killed.body.killedPort as number };
}

async function expectAllPaid(orderIds: string[]): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await demo().pool.query<{ status: string; n: string }>(
        'SELECT status, count(*) AS n FROM orders WHERE id = ANY($1) GROUP BY status',
        [orderIds],
      );
      const paid = Number(rows.find((r) => r.status === 'paid')?.n ?? 0);
      return paid === orderIds.length ? true : undefined;
    },
    () => `all ${orderIds.length} accepted orders to be stored and paid`,
    60_000,
  );
}

test('chaos db-failover: the replica is promoted, services follow without a restart, no 202 order is lost, the old primary is rebuilt', async () => {
  const before = await databaseStatus();
  expect(before).toMatchObject({ state: 'replicated', supervisor: 'watching', promotions: 0 });
  const pids = Object.fromEntries(demo().processes.map((p) => [p.spec.name, p.pid]));

  for (const round of [1, 2]) {
    const beforeKill = await databaseStatus();
    const { accepted, killedPort } = await failOverUnderLoad();
    expect(killedPort).toBe(beforeKill.primaryPort);
    // The roles swap: the replica is the primary, the killed member its rebuilt replica.
    await waitFor(
      async () => {
        const status = await databaseStatus();
        return status.state === 'replicated' &&
          status.promotions === round &&
          status.primaryPort === beforeKill.replicaPort &&
          status.replicaPort === killedPort
          ? status
          : undefined;
      },
      async () =>
        `the killed member :${killedPort} to be rebuilt as a replica (${JSON.stringify(await databaseStatus())})`,
      60_000,
    );
    await expectAllPaid(accepted.map((a) => a.orderId));
    const { rows } = await demo().pool.query<{ n: string }>('SELECT count(*) AS n FROM orders');
    expect(new Set(accepted.map((a) => a.orderId)).size).toBe(accepted.length);
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(accepted.length);
  }

  const after = await databaseStatus();
  const streaming = await replicationStatus(`postgres://postgres@127.0.0.1:${after.primaryPort}/postgres`);
  expect(streaming).toEqual([expect.objectContaining({ state: 'streaming', syncState: 'sync' })]);
  // No service was restarted: the same processes served before and after both failovers.
  expect(Object.fromEntries(demo().processes.map((p) => [p.spec.name, p.pid]))).toEqual(pids);
}, 240_000);
