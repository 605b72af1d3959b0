/**
 * The order cache behind a real Redis Sentinel group (backends/redisSentinel.ts): the master is
 * killed while orders are read; every read is answered (from PostgreSQL, counted degraded, while
 * there is no master), the Sentinels elect the replica, the cache follows it (counted in
 * cache_failovers_total) and reads hit the cache again, with the data the replica had.
 */
import { randomUUID } from 'node:crypto';
import { getMetricsRegistry, metrics } from '@faultline/instrumentation';
import { startRedisSentinel, type RunningRedisSentinel } from '../../backends/redisSentinel.ts';
import { getOrder, orderBody, postOrder } from './support/api.ts';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

let group: RunningRedisSentinel | undefined;
let stack: Stack | undefined;

beforeAll(async () => {
  group = await startRedisSentinel();
  stack = await startStack({
    payments: 1,
    redis: { kind: 'sentinel', name: group.name, sentinels: group.sentinels, natMap: {} },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await group?.stop();
});

async function counted(name: string, outcome?: string): Promise<number> {
  const metric = await getMetricsRegistry().registry.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((v) => outcome === undefined || v.labels.outcome === outcome)
    .reduce((sum, v) => sum + v.value, 0);
}

test('the Redis master killed: reads keep being served, a new master is elected and the cache follows it', async () => {
  const { gatewayUrl } = stack!;
  const created = await postOrder(gatewayUrl, randomUUID(), orderBody());
  const orderId = created.body.orderId as string;
  await waitFor(
    async () => ((await getOrder(gatewayUrl, orderId)).headers.get('x-cache') === 'hit' ? true : undefined),
    () => `order ${orderId} to be paid and cached`,
  );
  const [first, second] = group!.nodePorts;
  const degradedBefore = await counted(metrics.cacheRequests.name, 'degraded');
  const failoversBefore = await counted(metrics.cacheFailovers.name);

  group!.kill(first!);
  // Read all along the election, until the cache answers from the elected master.
  const answers: { status: number; cache: string | null }[] = [];
  await waitFor(
    async () => {
      const read = await getOrder(gatewayUrl, orderId);
      answers.push({ status: read.status, cache: read.headers.get('x-cache') });
      const master = await group!.master();
      return master.port === second && read.headers.get('x-cache') === 'hit' ? true : undefined;
    },
    () => `the Sentinels to elect :${second} and the cache to hit it (${JSON.stringify(answers.slice(-5))})`,
    60_000,
  );
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  const degraded = answers.filter((a) => a.cache === 'degraded').length;
  expect(degraded).toBeGreaterThan(0);
  expect((await counted(metrics.cacheRequests.name, 'degraded')) - degradedBefore).toBe(degraded);
  expect((await counted(metrics.cacheFailovers.name)) - failoversBefore).toBe(1);
  console.log(
    `redis failover: ${answers.length} reads during the election, ${degraded} served degraded from PostgreSQL`,
  );

  // The old master returns as a replica; the cache stays on the elected master.
  await group!.restart(first!);
  const read = await getOrder(gatewayUrl, orderId);
  expect(read.headers.get('x-cache')).toBe('hit');
  expect((await counted(metrics.cacheFailovers.name)) - failoversBefore).toBe(1);
}, 90_000);
