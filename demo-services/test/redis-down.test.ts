/**
 * Redis down: reads are served from PostgreSQL, marked and counted as degraded; Redis back:
 * reads hit the cache again.
 */
import { randomUUID } from 'node:crypto';
import { getMetricsRegistry, metrics } from '@faultline/instrumentation';
import { getOrder, orderBody, postOrder } from './support/api.ts';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ payments: 1 });
});

afterAll(async () => {
  await stack?.stop();
});

async function degradedCount(): Promise<number> {
  const metric = await getMetricsRegistry().registry.getSingleMetric(metrics.cacheRequests.name)?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels.outcome === 'degraded')
    .reduce((sum, v) => sum + v.value, 0);
}

test('with Redis down, orders are read from PostgreSQL and the degraded read is counted', async () => {
  const created = await postOrder(stack.gatewayUrl, randomUUID(), orderBody());
  const orderId = created.body.orderId as string;
  await waitFor(
    async () =>
      (await getOrder(stack.gatewayUrl, orderId)).headers.get('x-cache') === 'hit' ? true : undefined,
    () => `order ${orderId} to be paid and cached`,
  );

  const before = await degradedCount();
  stack.redisProxy.cut();
  const read = await getOrder(stack.gatewayUrl, orderId);
  expect(read.status).toBe(200);
  expect(read.headers.get('x-cache')).toBe('degraded');
  expect(read.body).toMatchObject({ orderId, status: 'paid' });
  expect((await degradedCount()) - before).toBe(1);
  expect((await getOrder(stack.gatewayUrl, randomUUID())).status).toBe(404);

  stack.redisProxy.restore();
  await waitFor(
    async () =>
      (await getOrder(stack.gatewayUrl, orderId)).headers.get('x-cache') === 'hit' ? true : undefined,
    () => 'reads to hit the cache again after Redis returned',
  );
});
