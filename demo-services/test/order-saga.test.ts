/**
 * The order saga against the real PostgreSQL and RabbitMQ: stock is reserved when the order's
 * message is taken, released exactly once when its payment fails for good, committed when it is
 * paid; duplicates, redeliveries and a payment-service killed between steps leave it consistent;
 * concurrent orders never sell more than the shelf holds; a saga that stops moving is counted
 * as stuck.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { getMetricsRegistry, spanAttributes } from '@faultline/instrumentation';
import { createLogger } from '../shared/logger.ts';
import type { ChargeResult } from '../payment-service/chargePolicy.ts';
import { OrderSaga } from '../saga/orderSaga.ts';
import { orderBody, postOrder } from './support/api.ts';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

let stack: Stack;
const log = createLogger('order-saga-test', 'error');

beforeAll(async () => {
  stack = await startStack({ payments: 0, tuning: { providerTimeoutMs: 10_000, sagaStuckAfterMs: 1000 } });
});

afterAll(async () => {
  await stack?.stop();
});

/** At least `count` payment-service instances consuming in this process. */
async function consumers(count: number): Promise<void> {
  const running = () => stack.payments.filter((p) => p.kind === 'in-process').length;
  while (running() < count) await stack.startPayment('in-process');
}

/** A SKU of this test only, with `units` on the shelf. */
async function seedStock(units: number): Promise<string> {
  const sku = `sku-saga-${randomBytes(4).toString('hex')}`;
  await stack.pool.query('INSERT INTO stock (sku, available) VALUES ($1, $2)', [sku, units]);
  return sku;
}

async function available(sku: string): Promise<number> {
  const { rows } = await stack.pool.query<{ available: number }>(
    'SELECT available FROM stock WHERE sku = $1',
    [sku],
  );
  return rows[0]?.available ?? Number.NaN;
}

async function sagaState(orderId: string): Promise<string | undefined> {
  const { rows } = await stack.pool.query<{ state: string }>('SELECT state FROM sagas WHERE order_id = $1', [
    orderId,
  ]);
  return rows[0]?.state;
}

async function stepsOf(orderId: string): Promise<string[]> {
  const { rows } = await stack.pool.query<{ step: string }>(
    'SELECT step FROM saga_steps WHERE order_id = $1 ORDER BY at, step',
    [orderId],
  );
  return rows.map((r) => r.step);
}

async function reservationsOf(orderId: string): Promise<{ sku: string; quantity: number; status: string }[]> {
  const { rows } = await stack.pool.query(
    'SELECT sku, quantity, status FROM stock_reservations WHERE order_id = $1',
    [orderId],
  );
  return rows;
}

async function untilSaga(orderId: string, state: string): Promise<void> {
  await waitFor(
    async () => ((await sagaState(orderId)) === state ? true : undefined),
    async () => `saga of ${orderId} to be ${state}; it is ${await sagaState(orderId)}`,
  );
}

async function metricValue(name: string): Promise<number> {
  const metric = await getMetricsRegistry().registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}

/** Places an order of `quantity` units of `sku` through the gateway; returns its id. */
async function order(sku: string, quantity: number, paymentToken = `tok_${randomUUID()}`): Promise<string> {
  const created = await postOrder(
    stack.gatewayUrl,
    randomUUID(),
    orderBody({ items: [{ sku, quantity, unitPriceCents: 100 }], paymentToken }),
  );
  expect(created.status).toBe(202);
  return created.body.orderId as string;
}

/** An order written straight into the database, so no consumer takes its message: the test runs its saga. */
async function pendingOrder(sku: string, quantity: number): Promise<string> {
  const orderId = randomUUID();
  await stack.pool.query(
    'INSERT INTO orders (id, customer_id, items, amount_cents, payment_token) VALUES ($1, $2, $3, $4, $5)',
    [orderId, 'cust-saga', JSON.stringify([{ sku, quantity, unitPriceCents: 100 }]), quantity * 100, 'tok_x'],
  );
  return orderId;
}

const declining = {
  charge: async (): Promise<ChargeResult> => ({ kind: 'declined', reason: 'card_declined' }),
};

test('a payment-service killed between steps: the sagas resume and end consistent', async () => {
  const sku = await seedStock(10);
  // The only consumer is a child process, so it takes both messages; the provider holds them.
  const victim = await stack.startPayment('child');
  if (victim.kind !== 'child') throw new Error('expected a child process');
  stack.provider.state.faults.latencyMs = 1500;
  const paying = await order(sku, 2);
  const declined = await order(sku, 3, `tok_decline_${randomUUID()}`);

  // Both reserved (step 1 committed), both charges in flight (step 2): kill now.
  await waitFor(
    async () =>
      (await sagaState(paying)) === 'reserved' &&
      (await sagaState(declined)) === 'reserved' &&
      stack.provider.state.requests >= 2
        ? true
        : undefined,
    () => 'both sagas to reserve their stock and call the provider',
  );
  const exited = new Promise((resolve) => victim.process.once('exit', resolve));
  victim.process.kill('SIGKILL');
  await exited;
  expect(await available(sku)).toBe(5);

  stack.provider.state.faults.latencyMs = 0;
  await consumers(1);
  await untilSaga(paying, 'completed');
  await untilSaga(declined, 'compensated');
  expect(await available(sku)).toBe(8);
  expect(await reservationsOf(paying)).toEqual([{ sku, quantity: 2, status: 'committed' }]);
  expect(await reservationsOf(declined)).toEqual([{ sku, quantity: 3, status: 'released' }]);
  expect(await stepsOf(paying)).toEqual(['reserve_stock', 'complete_order']);
  expect(await stepsOf(declined)).toEqual(['reserve_stock', 'release_stock']);
});

test('a declined payment releases the reserved stock once, however often its message comes back', async () => {
  await consumers(1);
  const sku = await seedStock(10);
  const orderId = await order(sku, 3, `tok_decline_${randomUUID()}`);
  await untilSaga(orderId, 'compensated');
  expect(await available(sku)).toBe(10);

  // The same message again, three deliveries at once (a redelivery racing duplicates).
  const saga = new OrderSaga({ pool: stack.pool, policy: declining, maxDeliveries: 3, log });
  const compensatedBefore = await metricValue('saga_compensated_total');
  const again = await Promise.all(
    [1, 2, 3].map(() => saga.run({ orderId, amountCents: 300, paymentToken: 'tok_decline' }, 0)),
  );
  expect(again).toEqual([{ kind: 'finished' }, { kind: 'finished' }, { kind: 'finished' }]);
  expect(await available(sku)).toBe(10);
  expect(await stepsOf(orderId)).toEqual(['reserve_stock', 'release_stock']);
  expect(await reservationsOf(orderId)).toEqual([{ sku, quantity: 3, status: 'released' }]);
  expect(await metricValue('saga_compensated_total')).toBe(compensatedBefore);
  const { rows } = await stack.pool.query('SELECT status, failure_reason FROM orders WHERE id = $1', [
    orderId,
  ]);
  expect(rows[0]).toMatchObject({ status: 'failed' });
});

test('duplicates of a new order racing each other reserve once and release once', async () => {
  const sku = await seedStock(5);
  const orderId = await pendingOrder(sku, 2);
  const saga = new OrderSaga({ pool: stack.pool, policy: declining, maxDeliveries: 3, log });
  const [startedBefore, compensatedBefore] = [
    await metricValue('saga_started_total'),
    await metricValue('saga_compensated_total'),
  ];
  const runs = await Promise.all(
    [1, 2, 3, 4].map(() => saga.run({ orderId, amountCents: 200, paymentToken: 'tok_x' }, 0)),
  );
  expect(runs.every((r) => r.kind === 'finished')).toBe(true);
  expect(await sagaState(orderId)).toBe('compensated');
  expect(await available(sku)).toBe(5);
  expect(await stepsOf(orderId)).toEqual(['reserve_stock', 'release_stock']);
  expect(await metricValue('saga_started_total')).toBe(startedBefore + 1);
  expect(await metricValue('saga_compensated_total')).toBe(compensatedBefore + 1);
});

test('concurrent orders never sell more than the shelf holds', async () => {
  await consumers(2);
  const units = 12;
  const sku = await seedStock(units);
  // 30 orders of one unit, a few declined, all at once: bounded in count and in time.
  const tokens = Array.from({ length: 30 }, (_, i) => (i % 6 === 0 ? `tok_decline_${i}` : `tok_${i}`));
  const orderIds = await Promise.all(tokens.map((token) => order(sku, 1, `${token}_${randomUUID()}`)));
  await waitFor(
    async () => {
      const { rows } = await stack.pool.query<{ open: string }>(
        "SELECT count(*) AS open FROM sagas WHERE order_id = ANY($1) AND state IN ('started', 'reserved')",
        [orderIds],
      );
      const { rows: known } = await stack.pool.query('SELECT 1 FROM sagas WHERE order_id = ANY($1)', [
        orderIds,
      ]);
      return known.length === orderIds.length && Number(rows[0]?.open) === 0 ? true : undefined;
    },
    () => 'every saga of the 30 orders to end',
    60_000,
  );
  const { rows } = await stack.pool.query<{ status: string; sold: string }>(
    `SELECT r.status, sum(r.quantity) AS sold FROM stock_reservations r WHERE r.sku = $1 GROUP BY r.status`,
    [sku],
  );
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.sold)]));
  const left = await available(sku);
  expect(left).toBeGreaterThanOrEqual(0);
  expect(byStatus.reserved ?? 0).toBe(0);
  expect(left + (byStatus.committed ?? 0)).toBe(units);
  const { rows: outcomes } = await stack.pool.query<{ status: string; reason: string | null; n: string }>(
    'SELECT status, failure_reason AS reason, count(*) AS n FROM orders WHERE id = ANY($1) GROUP BY 1, 2',
    [orderIds],
  );
  const paid = Number(outcomes.find((o) => o.status === 'paid')?.n ?? 0);
  const outOfStock = Number(outcomes.find((o) => o.reason === 'out_of_stock')?.n ?? 0);
  const failed = outcomes.filter((o) => o.status === 'failed').reduce((sum, o) => sum + Number(o.n), 0);
  expect(paid).toBe(byStatus.committed ?? 0);
  expect(paid).toBeLessThanOrEqual(units);
  expect(paid + failed).toBe(orderIds.length);
  // 25 paying orders for 12 units: at least 13 are refused for want of stock. (A declined order
  // may release its unit after a later one was refused, so the shelf need not end empty.)
  expect(outOfStock).toBeGreaterThanOrEqual(25 - units);
});

test('a saga that stops moving is counted as stuck, and no longer once it ends', async () => {
  await consumers(1);
  const sku = await seedStock(3);
  stack.provider.state.faults.down = true;
  const orderId = await order(sku, 1);
  await untilSaga(orderId, 'reserved');
  await waitFor(
    async () => ((await metricValue('saga_stuck')) >= 1 ? true : undefined),
    async () =>
      `saga_stuck to count the saga held by the provider outage (${await metricValue('saga_stuck')})`,
  );
  stack.provider.state.faults.down = false;
  await untilSaga(orderId, 'completed');
  await waitFor(
    async () => ((await metricValue('saga_stuck')) === 0 ? true : undefined),
    async () => `saga_stuck back to 0 (${await metricValue('saga_stuck')})`,
  );
});

test('each step is a span in the trace of the message that ran it', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  try {
    const sku = await seedStock(4);
    const orderId = await pendingOrder(sku, 1);
    const saga = new OrderSaga({ pool: stack.pool, policy: declining, maxDeliveries: 3, log });
    // Stands for the consumer span the amqplib instrumentation opens around each message.
    const consumerSpan = provider.getTracer('test').startSpan('orders.created process');
    await context.with(trace.setSpan(context.active(), consumerSpan), () =>
      saga.run({ orderId, amountCents: 100, paymentToken: 'tok_x' }, 0),
    );
    consumerSpan.end();
    const steps = exporter.getFinishedSpans().filter((span) => span.name.startsWith('order_fulfilment '));
    expect(steps.map((span) => span.name)).toEqual([
      'order_fulfilment reserve_stock',
      'order_fulfilment charge_payment',
      'order_fulfilment release_stock',
    ]);
    for (const span of steps) {
      expect(span.spanContext().traceId).toBe(consumerSpan.spanContext().traceId);
      expect(span.parentSpanContext?.spanId).toBe(consumerSpan.spanContext().spanId);
      expect(span.attributes[spanAttributes.sagaId]).toBe(orderId);
    }
    expect(steps.map((span) => span.attributes[spanAttributes.sagaOutcome])).toEqual([
      'reserved',
      'declined',
      'compensated',
    ]);
    expect(steps.map((span) => span.attributes[spanAttributes.sagaCompensation])).toEqual([
      false,
      false,
      true,
    ]);
  } finally {
    trace.disable();
    context.disable();
  }
});
