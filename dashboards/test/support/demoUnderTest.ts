/**
 * The real demo (`startDemo`: instrumented services behind HAProxy, Prometheus scraping them
 * every 5 s, Alertmanager) on free ports and names of its own, exporting traces to a strict
 * OTLP receiver whose answers a fault scenario can turn into errors. `stop()` removes
 * everything it created: processes, database, queues and exchanges, Redis keys, state dir.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { demoChaos } from '../../../demo-services/console/demoChaos.ts';
import type { ChaosControl } from '../../../demo-services/console/faults.ts';
import { startDemo, type RunningDemo } from '../../../demo-services/demo/startDemo.ts';
import { dropDatabase } from '../../../demo-services/shared/db.ts';
import { topology, type Topology } from '../../../demo-services/shared/topology.ts';
import { freePort, freePortRange } from '../../../demo-services/test/console-support/processes.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../../testing/index.ts';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = 'redis://127.0.0.1:6379';

/** Options of {@link startDemoUnderTest}. */
export interface DemoUnderTestOptions {
  /** Orders per second of the demo's load generator (default 8). */
  readonly loadRatePerSecond?: number;
  /** Environment of the demo's processes (PATH...); tests and scripts pass `process.env`. */
  readonly baseEnv: NodeJS.ProcessEnv;
  /** Progress of the demo (default: none). */
  readonly print?: (line: string) => void;
}

/** A running demo with its handles. */
export interface DemoUnderTest {
  readonly prometheusUrl: string;
  /** The demo's prefixed RabbitMQ names. */
  readonly names: Topology;
  /** Faults as the demo console injects them. */
  readonly chaos: ChaosControl;
  /** Where the services export their spans; `setMode('error')` makes exports fail. */
  readonly traces: OtlpTraceReceiver;
  /** How many processes Prometheus scrapes in job `faultline-services`. */
  readonly scrapedProcesses: number;
  /** Stops the demo and removes everything it created; never throws. */
  stop(): Promise<void>;
}

async function demoPorts() {
  const free = await Promise.all(Array.from({ length: 12 }, freePort));
  const next = () => free.shift() as number;
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
    // One metrics port per demo process, counted up from the base.
    metricsBase: await freePortRange(10),
  };
}

async function removeBrokerNames(names: Topology): Promise<void> {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const queue of [names.queue, names.retryQueue, names.deadLetterQueue])
      await channel.deleteQueue(queue);
    for (const exchange of [names.exchange, names.deadLetterExchange]) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}

async function removeRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts the demo with its load generator on, on free ports, with a database, queue names and
 * Redis keys of its own. If starting fails, what was started is removed before rethrowing.
 */
export async function startDemoUnderTest(options: DemoUnderTestOptions): Promise<DemoUnderTest> {
  const prefix = `dashboards${randomBytes(3).toString('hex')}.`;
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/faultline_${prefix.replace('.', '')}`;
  const names = topology(prefix);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'faultline-dashboards-demo-'));
  let traces: OtlpTraceReceiver | undefined;
  let demo: RunningDemo | undefined;
  const stop = async (): Promise<void> => {
    const steps = [
      () => demo?.stop(),
      () => traces?.close(),
      () => dropDatabase(databaseUrl),
      () => removeBrokerNames(names),
      () => removeRedisKeys(prefix),
      () => rm(stateDir, { recursive: true, force: true }),
    ];
    for (const step of steps) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    const ports = await demoPorts();
    traces = await startOtlpTraceReceiver();
    demo = await startDemo({
      otlpEndpoint: traces.url,
      databaseUrl,
      namePrefix: prefix,
      stateDir,
      load: true,
      loadRatePerSecond: options.loadRatePerSecond ?? 8,
      baseEnv: options.baseEnv,
      print: options.print ?? (() => undefined),
      ports,
    });
    const chaos = demoChaos({
      providerUrl: `http://127.0.0.1:${ports.paymentProvider}`,
      redisProxy: demo.redisProxy,
      amqpProxy: demo.amqpProxy,
      processes: demo.processes,
    });
    // Every node process the demo supervises serves metrics; HAProxy does not.
    const scrapedProcesses = demo.processes.length;
    return {
      prometheusUrl: `http://127.0.0.1:${ports.prometheus}`,
      names,
      chaos,
      traces,
      scrapedProcesses,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
