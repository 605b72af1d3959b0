/**
 * The provider down: orders are still accepted (202, pending), the breaker opens, no 5xx
 * reaches a client. The provider back: every pending order is paid, none lost, none charged
 * twice, and the payment metrics say the same.
 */
import { randomUUID } from 'node:crypto';
import { getMetricsRegistry } from '@faultline/instrumentation';
import { getOrder, orderBody, postOrder } from './support/api.ts';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ payments: 2, tuning: { redeliveryDelayMs: 200, breakerResetMs: 500 } });
});

afterAll(async () => {
  await stack?.stop();
});

async function paidMetric(): Promise<number> {
  const metric = await getMetricsRegistry().registry.getSingleMetric('demo_payments_total')?.get();
  return (metric?.values ?? [])
    .filter((v) => v.labels.outcome === 'paid')
    .reduce((sum, v) => sum + v.value, 0);
}

test('orders survive the provider being down and are each paid exactly once when it returns', async () => {
  const paidBefore = await paidMetric();
  stack.provider.state.faults.down = true;

  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      postOrder(stack.gatewayUrl, randomUUID(), orderBody({ customerId: `c${i}` })),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
  const orderIds = answers.map((a) => a.body.orderId as string);

  await waitFor(
    () =>
      stack.payments.some((p) => p.kind === 'in-process' && p.service.policy.state === 'open')
        ? true
        : undefined,
    () => 'a payment-provider breaker to open',
  );
  for (const orderId of orderIds.slice(0, 5)) {
    const read = await getOrder(stack.gatewayUrl, orderId);
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('pending');
  }
  expect(await stack.statusCounts()).toEqual({ pending: 20, paid: 0, failed: 0 });

  stack.provider.state.faults.down = false;
  await waitFor(
    async () => {
      const counts = await stack.statusCounts();
      return counts.paid === 20 ? counts : undefined;
    },
    async () => `all 20 orders to be paid; counts ${JSON.stringify(await stack.statusCounts())}`,
    30_000,
  );

  const charges = stack.provider.state.store.list();
  expect(charges.map((c) => c.idempotencyKey).sort()).toEqual([...orderIds].sort());
  const { rows } = await stack.pool.query<{ charge_id: string }>('SELECT charge_id FROM orders');
  expect(rows.map((r) => r.charge_id).sort()).toEqual(charges.map((c) => c.id).sort());
  expect((await paidMetric()) - paidBefore).toBe(20);
});
