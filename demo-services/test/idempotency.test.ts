/**
 * The order API's contract: idempotent creation under concurrency, 422 on a reused key with a
 * different body, 400 naming the field, 404 on unknown orders.
 */
import { randomUUID } from 'node:crypto';
import { getOrder, orderBody, postOrder } from './support/api.ts';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ payments: 2 });
});

afterAll(async () => {
  await stack?.stop();
});

test('the same idempotency key sent concurrently creates one order, one outbox row and one charge', async () => {
  const key = randomUUID();
  const body = orderBody();
  const answers = await Promise.all(Array.from({ length: 8 }, () => postOrder(stack.gatewayUrl, key, body)));

  expect(answers.map((a) => a.status)).toEqual(Array(8).fill(202));
  const orderIds = new Set(answers.map((a) => a.body.orderId));
  expect(orderIds.size).toBe(1);
  const [orderId] = [...orderIds] as string[];
  expect(answers[0]?.body).toEqual({ orderId, status: 'pending' });

  const orders = await stack.pool.query('SELECT id FROM orders');
  const outbox = await stack.pool.query('SELECT message_key FROM outbox');
  expect(orders.rows).toEqual([{ id: orderId }]);
  expect(outbox.rows).toEqual([{ message_key: orderId }]);

  const paid = await waitFor(
    async () => {
      const answer = await getOrder(stack.gatewayUrl, orderId as string);
      return answer.body.status === 'paid' ? answer : undefined;
    },
    () => `order ${orderId} to be paid`,
  );
  expect(paid.body).toMatchObject({ orderId, status: 'paid', amountCents: 2500 });
  const charges = stack.provider.state.store.list().filter((c) => c.idempotencyKey === orderId);
  expect(charges).toHaveLength(1);
});

test('repeating a key with the same body later returns the same order', async () => {
  const key = randomUUID();
  const first = await postOrder(stack.gatewayUrl, key, orderBody({ customerId: 'cust-repeat' }));
  const second = await postOrder(stack.gatewayUrl, key, orderBody({ customerId: 'cust-repeat' }));
  expect(first.status).toBe(202);
  expect(second.status).toBe(202);
  expect(second.body.orderId).toBe(first.body.orderId);
});

test('the same key with a different body is 422 and creates nothing', async () => {
  const key = randomUUID();
  await postOrder(stack.gatewayUrl, key, orderBody({ customerId: 'cust-a' }));
  const before = await stack.pool.query('SELECT count(*)::int AS n FROM orders');
  const reused = await postOrder(stack.gatewayUrl, key, orderBody({ customerId: 'cust-b' }));
  expect(reused.status).toBe(422);
  expect(reused.body).toMatchObject({ field: 'Idempotency-Key' });
  const after = await stack.pool.query('SELECT count(*)::int AS n FROM orders');
  expect(after.rows[0].n).toBe(before.rows[0].n);
});

test('a missing key or an invalid body is 400 naming the field', async () => {
  const missingKey = await postOrder(stack.gatewayUrl, undefined, orderBody());
  expect(missingKey.status).toBe(400);
  expect(missingKey.body).toMatchObject({ field: 'Idempotency-Key' });

  const cases: Array<[unknown, string]> = [
    [{ ...orderBody(), customerId: undefined }, 'customerId'],
    [orderBody({ items: [] }), 'items'],
    [orderBody({ items: [{ sku: 'a', quantity: 0, unitPriceCents: 1 }] }), 'items.0.quantity'],
    [orderBody({ items: [{ sku: 'a', quantity: 1.5, unitPriceCents: 1 }] }), 'items.0.quantity'],
    [orderBody({ items: [{ sku: 'a', quantity: 1, unitPriceCents: -1 }] }), 'items.0.unitPriceCents'],
    [{ ...orderBody(), paymentToken: 42 }, 'paymentToken'],
  ];
  for (const [body, field] of cases) {
    const answer = await postOrder(stack.gatewayUrl, randomUUID(), body);
    expect({ status: answer.status, field: answer.body.field }).toEqual({ status: 400, field });
  }
});

test('an unknown order is 404', async () => {
  expect((await getOrder(stack.gatewayUrl, randomUUID())).status).toBe(404);
  expect((await getOrder(stack.gatewayUrl, 'not-a-uuid')).status).toBe(404);
});
