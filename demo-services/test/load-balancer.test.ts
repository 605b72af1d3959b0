/**
 * The demo as `npm run demo` starts it (child processes under the instrumentation flag behind a
 * real HAProxy), on free ports and its own names: killing a gateway instance loses no order
 * of a client that retries with the same Idempotency-Key.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { dropDatabase } from '../shared/db.ts';
import { topology } from '../shared/topology.ts';
import { pickInstance } from '../demo/controlServer.ts';
import { startDemo, type RunningDemo } from '../demo/startDemo.ts';
import { LoadGenerator } from '../load-generator/loadGenerator.ts';
import { waitFor } from './support/waitFor.ts';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const prefix = `lb${randomBytes(3).toString('hex')}.`;
const databaseUrl = `postgres://postgres@127.0.0.1:5432/faultline_${prefix.replace('.', '')}`;
let demo: RunningDemo | undefined;
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'faultline-demo-'));
  const ports = await Promise.all(Array.from({ length: 16 }, freePort));
  const next = () => ports.shift() as number;
  demo = await startDemo({
    databaseUrl,
    namePrefix: prefix,
    stateDir,
    observability: false,
    load: false,
    baseEnv: process.env,
    print: () => undefined,
    ports: {
      loadBalancer: next(),
      gateways: [next(), next()],
      orderService: next(),
      paymentServices: [next(), next()],
      paymentProvider: next(),
      control: next(),
      metricsBase: next(),
    },
  });
}, 60_000);

afterAll(async () => {
  await demo?.stop();
  await dropDatabase(databaseUrl).catch(() => undefined);
  const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  const names = topology(prefix);
  for (const queue of [names.queue, names.retryQueue, names.deadLetterQueue])
    await channel.deleteQueue(queue);
  for (const exchange of [names.exchange, names.deadLetterExchange]) await channel.deleteExchange(exchange);
  await connection.close();
  await rm(stateDir, { recursive: true, force: true });
});

test('killing one gateway behind HAProxy loses no order of a retrying client', async () => {
  if (!demo) throw new Error('demo did not start');
  const running = demo;
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
