/**
 * A payment-service instance killed while it charges: the broker redelivers the unacknowledged
 * message to another instance, and the provider's idempotency key (the order id) makes the
 * second charge request return the first charge.
 */
import { randomUUID } from 'node:crypto';
import { orderBody, postOrder } from './support/api.ts';
import { startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/waitFor.ts';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ payments: 0, tuning: { providerTimeoutMs: 10_000 } });
});

afterAll(async () => {
  await stack?.stop();
});

test('a payment-service killed mid-processing: the message is redelivered and the order charged once', async () => {
  const victim = await stack.startPayment('child');
  if (victim.kind !== 'child') throw new Error('expected a child process');
  // The provider holds the charge request long enough to kill the consumer while it waits.
  stack.provider.state.faults.latencyMs = 1500;

  const created = await postOrder(stack.gatewayUrl, randomUUID(), orderBody());
  expect(created.status).toBe(202);
  const orderId = created.body.orderId as string;

  await waitFor(
    () => (stack.provider.state.requests >= 1 ? true : undefined),
    () => 'the provider to receive the first charge request',
  );
  const exited = new Promise((resolve) => victim.process.once('exit', resolve));
  victim.process.kill('SIGKILL');
  await exited;
  const status = await stack.pool.query('SELECT status FROM orders WHERE id = $1', [orderId]);
  expect(status.rows[0].status).toBe('pending');

  stack.provider.state.faults.latencyMs = 0;
  await stack.startPayment('in-process');

  await waitFor(
    async () => {
      const { rows } = await stack.pool.query('SELECT status, charge_id FROM orders WHERE id = $1', [
        orderId,
      ]);
      return rows[0]?.status === 'paid' ? rows[0] : undefined;
    },
    () => `order ${orderId} to be paid after redelivery`,
  );
  // The killed instance's request may still be sleeping in the provider; wait for both to land.
  await waitFor(
    () => (stack.provider.state.store.list()[0]?.requests === 2 ? true : undefined),
    () => `both charge requests to reach the provider: ${JSON.stringify(stack.provider.state.store.list())}`,
  );
  const charges = stack.provider.state.store.list();
  expect(charges).toHaveLength(1);
  expect(charges[0]).toMatchObject({ idempotencyKey: orderId, requests: 2 });
  const { rows } = await stack.pool.query('SELECT charge_id FROM orders WHERE id = $1', [orderId]);
  expect(rows[0].charge_id).toBe(charges[0]?.id);
});
