/**
 * The order service's read side for people watching the system (the demo console): the latest
 * orders of every client, filterable by status and bounded, each with its status history and the
 * trace it was created in; one order by id; and the pending-orders gauge. On the real stack.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { getMetricsRegistry } from '@faultline/instrumentation';
import { DECLINED_TOKEN_PREFIX } from '../payment-provider/app.ts';
import { demoMetricNames } from '../shared/demoMetrics.ts';
import { orderBody } from './support/api.ts';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

let stack: Stack;
let orderServiceUrl: string;

beforeAll(async () => {
  stack = await startStack({ payments: 1 });
  orderServiceUrl = `http://127.0.0.1:${stack.orderService.port}`;
});

afterAll(async () => {
  await stack?.stop();
});

interface Listed {
  orderId: string;
  status: string;
  traceId?: string;
  failureReason?: string;
  history: { status: string; at: string; failureReason?: string }[];
}

async function place(paymentToken: string): Promise<string> {
  const response = await fetch(`${stack.gatewayUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(orderBody({ paymentToken })),
  });
  return ((await response.json()) as { orderId: string }).orderId;
}

async function list(query = ''): Promise<{ status: number; orders: Listed[]; body: unknown }> {
  const response = await fetch(`${orderServiceUrl}/orders${query}`);
  const body = (await response.json()) as { orders?: Listed[] };
  return { status: response.status, orders: body.orders ?? [], body };
}

async function pendingGauge(): Promise<number> {
  const text = await getMetricsRegistry().registry.getSingleMetricAsString(demoMetricNames.ordersPending);
  return Number(/\n[a-z_]+(?:\{[^}]*\})? ([0-9.]+)/.exec(text)?.[1] ?? NaN);
}

test('lists the latest orders of every client newest first, each with its history and the trace it was created in', async () => {
  const paid = await place('tok_visa');
  const failed = await place(`${DECLINED_TOKEN_PREFIX}_listing`);
  // In-process the services run without the instrumentation, so the outbox row carries no trace
  // context; it is written here as the instrumented order service writes it (the browser test
  // follows real ones).
  const traceId = randomBytes(16).toString('hex');
  await stack.pool.query('UPDATE outbox SET headers = $1 WHERE message_key = $2', [
    JSON.stringify({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }),
    paid,
  ]);
  const orders = await waitFor(
    async () => {
      const { orders: all } = await list();
      const final = all.filter((o) => o.status !== 'pending');
      return final.length === 2 ? all : undefined;
    },
    async () => `two final orders in ${JSON.stringify((await list()).body)}`,
  );
  expect(orders.map((o) => o.orderId)).toEqual([failed, paid]);
  const [declined, charged] = orders;
  expect(charged).toMatchObject({ orderId: paid, status: 'paid', traceId });
  expect(charged?.history.map((h) => h.status)).toEqual(['pending', 'paid']);
  expect(Date.parse(charged?.history[1]?.at ?? '')).toBeGreaterThanOrEqual(
    Date.parse(charged?.history[0]?.at ?? ''),
  );
  expect(declined?.history).toEqual([
    expect.objectContaining({ status: 'pending' }),
    expect.objectContaining({ status: 'failed', failureReason: declined?.failureReason }),
  ]);
  expect(declined?.traceId).toBeUndefined();

  expect((await list('?status=failed')).orders.map((o) => o.orderId)).toEqual([failed]);
  expect((await list('?limit=1')).orders.map((o) => o.orderId)).toEqual([failed]);
  const one = await fetch(`${orderServiceUrl}/orders/${paid}/history`);
  expect(await one.json()).toEqual(charged);
});

test('refuses an unknown status or a page larger than the bound, and answers 404 for an unknown order', async () => {
  for (const query of ['?status=lost', '?limit=101', '?limit=0', '?limit=1e2']) {
    const answer = await list(query);
    expect({ query, status: answer.status }).toEqual({ query, status: 400 });
    expect(answer.body).toMatchObject({
      error: 'invalid_query',
      message: expect.stringMatching(/status|limit/),
    });
  }
  expect((await fetch(`${orderServiceUrl}/orders/${randomUUID()}/history`)).status).toBe(404);
  expect((await fetch(`${orderServiceUrl}/orders/not-a-uuid/history`)).status).toBe(404);
});

test('counts the orders waiting for payment at each scrape', async () => {
  await fetch(`${stack.provider.url}/admin/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ down: true }),
  });
  try {
    await place('tok_visa');
    await place('tok_visa');
    await waitFor(
      async () => ((await pendingGauge()) >= 2 ? true : undefined),
      async () => `two pending orders counted; gauge at ${await pendingGauge()}`,
    );
  } finally {
    await fetch(`${stack.provider.url}/admin/faults/reset`, { method: 'POST' });
  }
  await waitFor(
    async () => ((await pendingGauge()) === 0 ? true : undefined),
    async () => `no pending order once the provider is back; gauge at ${await pendingGauge()}`,
  );
});
