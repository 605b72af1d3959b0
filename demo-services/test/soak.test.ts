/**
 * A bounded soak: a steady load of orders while faults are injected and cleared in turn
 * (provider errors, provider down with Redis down, broker down, provider slow). Phases advance
 * on accepted-order counts, not on timers. At the end every accepted order is paid or failed
 * with a reason, and PostgreSQL, the provider's ledger and the metrics agree.
 */
import { getMetricsRegistry, metrics } from '@faultline/instrumentation';
import { LoadGenerator } from '../load-generator/loadGenerator.ts';
import { HEALTHY } from '../payment-provider/faults.ts';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    payments: 2,
    tuning: { redeliveryDelayMs: 300, breakerResetMs: 500, providerTimeoutMs: 800, prefetch: 20 },
  });
});

afterAll(async () => {
  await stack?.stop();
});

async function counterSum(name: string, label: string, value: string | undefined): Promise<number> {
  const metric = await getMetricsRegistry().registry.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((v) => value === undefined || v.labels[label] === value)
    .reduce((sum, v) => sum + v.value, 0);
}

async function snapshot() {
  return {
    created: await counterSum('demo_orders_created_total', '', undefined),
    paid: await counterSum('demo_payments_total', 'outcome', 'paid'),
    failed: await counterSum('demo_payments_total', 'outcome', 'failed'),
    breakerOpened: await counterSum(metrics.breakerTransitions.name, 'to', 'open'),
    degradedReads: await counterSum(metrics.cacheRequests.name, 'outcome', 'degraded'),
  };
}

test('under load with faults injected and cleared, every order ends paid or failed and all counts agree', async () => {
  const before = await snapshot();
  const generator = new LoadGenerator({
    targetUrl: stack.gatewayUrl,
    ratePerSecond: 25,
    declineRatio: 0.1,
    duplicateRatio: 0.05,
  });
  const faults = stack.provider.state;
  const untilAccepted = (n: number) =>
    waitFor(
      () => (generator.stats.accepted >= n ? true : undefined),
      () => `${n} accepted orders; stats ${JSON.stringify(generator.stats)}`,
      30_000,
    );

  generator.start();
  try {
    await untilAccepted(40);
    faults.faults = { ...HEALTHY, errorRate: 0.3 };
    await untilAccepted(100);
    faults.faults = { ...HEALTHY, down: true };
    stack.redisProxy.cut();
    await untilAccepted(160);
    faults.faults = { ...HEALTHY };
    stack.redisProxy.restore();
    stack.amqpProxy.cut();
    await untilAccepted(220);
    stack.amqpProxy.restore();
    faults.faults = { ...HEALTHY, latencyMs: 200 };
    await untilAccepted(280);
    faults.faults = { ...HEALTHY };
  } finally {
    await generator.stop();
    faults.faults = { ...HEALTHY };
    stack.redisProxy.restore();
    stack.amqpProxy.restore();
  }

  const stats = generator.stats;
  expect(stats.errors).toBe(0);
  expect(stats.duplicateMismatches).toBe(0);

  await waitFor(
    async () => ((await stack.statusCounts()).pending === 0 ? true : undefined),
    async () => `no pending orders; counts ${JSON.stringify(await stack.statusCounts())}`,
    60_000,
  );

  const { rows: orders } = await stack.pool.query<{
    id: string;
    status: string;
    failure_reason: string | null;
    charge_id: string | null;
  }>('SELECT id, status, failure_reason, charge_id FROM orders');
  expect(orders.map((o) => o.id).sort()).toEqual(generator.acceptedOrderIds().sort());
  for (const order of orders) {
    if (order.status === 'failed') expect(order.failure_reason).toEqual(expect.any(String));
    else expect(order).toMatchObject({ status: 'paid', charge_id: expect.any(String) });
  }

  const paid = orders.filter((o) => o.status === 'paid');
  const failed = orders.filter((o) => o.status === 'failed');
  const charges = stack.provider.state.store.list();
  expect(charges.map((c) => c.idempotencyKey).sort()).toEqual(paid.map((o) => o.id).sort());
  const chargeByOrder = new Map(charges.map((c) => [c.idempotencyKey, c.id]));
  for (const order of paid) expect(order.charge_id).toBe(chargeByOrder.get(order.id));

  const after = await snapshot();
  expect({
    created: after.created - before.created,
    paid: after.paid - before.paid,
    failed: after.failed - before.failed,
  }).toEqual({ created: orders.length, paid: paid.length, failed: failed.length });
  // The faults did bite: the breaker opened and reads were served degraded.
  expect(after.breakerOpened - before.breakerOpened).toBeGreaterThan(0);
  expect(after.degradedReads - before.degradedReads).toBeGreaterThan(0);
  expect(new Set(failed.map((o) => o.failure_reason))).toEqual(
    new Set(failed.length ? ['card_declined'] : []),
  );
  const { rows: unsent } = await stack.pool.query('SELECT id FROM outbox WHERE sent_at IS NULL');
  expect(unsent).toEqual([]);
}, 120_000);
