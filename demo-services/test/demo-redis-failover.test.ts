/**
 * `npm run chaos -- redis-master-down` on the demo as `npm run demo` runs it: Redis as a master,
 * a replica and three Sentinels of its own, order-service's cache finding the master through
 * them (behind the demo's cuttable proxies). The chaos command's control request kills the
 * master while an order is read through HAProxy: every read is answered, from PostgreSQL while
 * there is no master, the Sentinels elect the replica, the cache follows it, and the degraded
 * reads and the failover are on order-service's /metrics. `redis-down` still cuts every node.
 */
import { randomUUID } from 'node:crypto';
import { metrics } from '@faultline/instrumentation';
import type { RedisStatus } from '../demo/redisSentinelDemo.ts';
import { getOrder, orderBody, postOrder } from './support/api.ts';
import { control } from './support/control.ts';
import { isolatedDemoSuite } from './support/isolatedDemoSuite.ts';
import { waitFor } from './support/waitFor.ts';

const demo = isolatedDemoSuite('redisfailover', { redisSentinel: true });

const sentinelStatus = async (): Promise<RedisStatus> =>
  (await control(demo(), 'GET', '/status')).body.sentinel as RedisStatus;

/** The sum of `name`'s samples on order-service's /metrics whose labels include `labels`. */
async function scraped(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(demo().metricsUrls['order-service']!)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function cachedOrder(): Promise<string> {
  const created = await postOrder(demo().urls.api!, randomUUID(), orderBody());
  const orderId = created.body.orderId as string;
  await waitFor(
    async () =>
      (await getOrder(demo().urls.api!, orderId)).headers.get('x-cache') === 'hit' ? true : undefined,
    () => `order ${orderId} to be paid and cached`,
    30_000,
  );
  return orderId;
}

test('chaos redis-master-down: reads stay served, a new master is elected, the failover and degraded reads are counted', async () => {
  const orderId = await cachedOrder();
  const before = await sentinelStatus();
  expect(before).toMatchObject({ election: 'stable', failovers: 0 });
  const degradedBefore = await scraped(metrics.cacheRequests.name, 'outcome="degraded"');

  const killed = await control(demo(), 'POST', '/redis-master-down');
  expect(killed.status).toBe(200);
  expect(killed.body.killedPort).toBe(before.masterPort);

  const answers: { status: number; cache: string | null }[] = [];
  await waitFor(
    async () => {
      const read = await getOrder(demo().urls.api!, orderId);
      answers.push({ status: read.status, cache: read.headers.get('x-cache') });
      const status = await sentinelStatus();
      return status.election === 'stable' && status.failovers === 1 && read.headers.get('x-cache') === 'hit'
        ? status
        : undefined;
    },
    async () =>
      `a new master and cache hits again (${JSON.stringify(await sentinelStatus())}, ${JSON.stringify(answers.slice(-3))})`,
    60_000,
  );
  const after = await sentinelStatus();
  expect(after.masterPort).not.toBe(before.masterPort);
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  const degraded = answers.filter((a) => a.cache === 'degraded').length;
  expect(degraded).toBeGreaterThan(0);
  expect((await scraped(metrics.cacheRequests.name, 'outcome="degraded"')) - degradedBefore).toBe(degraded);
  expect(await scraped(metrics.cacheFailovers.name)).toBe(1);
}, 120_000);

test('chaos redis-down cuts every Redis node of the Sentinel group; reset restores them', async () => {
  const orderId = await cachedOrder();
  expect((await control(demo(), 'POST', '/redis-down')).status).toBe(200);
  const read = await getOrder(demo().urls.api!, orderId);
  expect(read.status).toBe(200);
  expect(read.headers.get('x-cache')).toBe('degraded');
  expect((await control(demo(), 'POST', '/reset')).status).toBe(200);
  await waitFor(
    async () =>
      (await getOrder(demo().urls.api!, orderId)).headers.get('x-cache') === 'hit' ? true : undefined,
    () => 'reads to hit the cache again after reset',
  );
}, 60_000);
