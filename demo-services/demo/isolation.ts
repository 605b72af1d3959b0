/**
 * A demo that shares the machine: its own free ports, database, queue and exchange names,
 * Redis keys and state directory, so tests, benchmarks and previews can each run one beside
 * another (and beside `npm run demo`), and remove every trace of it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { dropDatabase } from '../shared/db.ts';
import { freePort, freePortRange } from '../shared/freePorts.ts';
import { topology } from '../shared/topology.ts';
import type { DemoPorts } from './ports.ts';

/** What makes one demo independent of the others: pass these to `startDemo`. */
export interface IsolatedDemo {
  readonly namePrefix: string;
  readonly databaseUrl: string;
  readonly stateDir: string;
  readonly ports: DemoPorts;
}

/** Where the isolated resources live (the machine's services by default). */
export interface IsolationTargets {
  readonly postgresUrl?: string;
  readonly amqpUrl?: string;
  readonly redisUrl?: string;
}

const DEFAULTS = {
  postgresUrl: 'postgres://postgres@127.0.0.1:5432',
  amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
  redisUrl: 'redis://127.0.0.1:6379',
};

/** Metrics ports the demo counts up from its base: one per process, with room to spare. */
const METRICS_PORTS = 12;

/** Free ports for every listener of a demo. */
export async function freeDemoPorts(): Promise<DemoPorts> {
  const free = await Promise.all(Array.from({ length: 15 }, freePort));
  const next = (): number => free.shift() as number;
  return {
    loadBalancer: next(),
    gateways: [next(), next()],
    orderService: next(),
    paymentServices: [next(), next()],
    paymentProvider: next(),
    control: next(),
    console: next(),
    prometheus: next(),
    alertmanager: next(),
    pagerDutySink: next(),
    jaeger: next(),
    otlpHttp: next(),
    elasticsearch: next(),
    metricsBase: await freePortRange(METRICS_PORTS),
  };
}

/** Settings for a demo of its own; `label` names what runs it (letters and digits). */
export async function isolatedDemo(label: string, targets: IsolationTargets = {}): Promise<IsolatedDemo> {
  const id = `${label}${randomBytes(3).toString('hex')}`;
  return {
    namePrefix: `${id}.`,
    databaseUrl: `${targets.postgresUrl ?? DEFAULTS.postgresUrl}/faultline_${id}`,
    stateDir: await mkdtemp(path.join(os.tmpdir(), `faultline-${label}-demo-`)),
    ports: await freeDemoPorts(),
  };
}

async function removeBrokerNames(prefix: string, amqpUrl: string): Promise<void> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    const names = topology(prefix);
    for (const queue of [names.queue, names.retryQueue, names.deadLetterQueue])
      await channel.deleteQueue(queue);
    for (const exchange of [names.exchange, names.deadLetterExchange]) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}

async function removeRedisKeys(prefix: string, redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/**
 * Removes the database, queues, exchanges, Redis keys and state directory of an isolated demo
 * (stop the demo first). Each step is attempted whatever the others did; never throws.
 */
export async function removeIsolatedDemo(demo: IsolatedDemo, targets: IsolationTargets = {}): Promise<void> {
  const steps = [
    () => dropDatabase(demo.databaseUrl),
    () => removeBrokerNames(demo.namePrefix, targets.amqpUrl ?? DEFAULTS.amqpUrl),
    () => removeRedisKeys(demo.namePrefix, targets.redisUrl ?? DEFAULTS.redisUrl),
    () => rm(demo.stateDir, { recursive: true, force: true }),
  ];
  for (const step of steps) await step().catch(() => undefined);
}
