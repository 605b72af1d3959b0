/**
 * The demo as `npm run demo` starts it (child processes under the instrumentation flag behind a
 * real HAProxy), on free ports and its own names: killing a gateway instance loses no order
 * of a client that retries with the same Idempotency-Key.
 */
import { pickInstance } from '../demo/controlServer.ts';
import { LoadGenerator } from '../load-generator/loadGenerator.ts';
import { isolatedDemoSuite } from './support/isolatedDemoSuite.ts';
import { waitFor } from './support/waitFor.ts';

const runningDemo = isolatedDemoSuite('lb');

test('killing one gateway behind HAProxy loses no order of a retrying client', async () => {
  const running = runningDemo();
  const generator = new LoadGenerator({
    targetUrl: running.urls.api as string,
    ratePerSecond: 30,
    declineRatio: 0,
    duplicateRatio: 0,
  });
  generator.start();
  try {
    await waitFor(
      () => (generator.stats.accepted >= 30 ? true : undefined),
      () => JSON.stringify(generator.stats),
    );
    await pickInstance(running.processes, 'gateway-1')?.kill();
    await waitFor(
      () => (generator.stats.accepted >= 120 ? true : undefined),
      () => JSON.stringify(generator.stats),
    );
  } finally {
    await generator.stop();
  }
  expect(generator.stats.errors).toBe(0);
  const ids = generator.acceptedOrderIds();
  await waitFor(
    async () => {
      const { rows } = await running.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'paid'",
        [ids],
      );
      return rows[0]?.n === ids.length ? true : undefined;
    },
    () => `all ${ids.length} accepted orders to be paid`,
  );
  const { rows } = await running.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
  expect(rows[0]?.n).toBe(ids.length);
}, 90_000);
