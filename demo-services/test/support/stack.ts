/**
 * A complete demo stack for one test file, on the machine's real PostgreSQL, Redis and
 * RabbitMQ but isolated from everything else: its own database, Redis key prefix and queue
 * names, and TCP proxies in front of Redis and RabbitMQ that the test can cut. Services run
 * in-process through their `start*` functions; payment-service instances can also run as child
 * processes, for the test that kills one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { paymentServiceConfig, type BackendConfig } from '../../shared/config.ts';
import { createPool, dropDatabase } from '../../shared/db.ts';
import { listen, type RunningServer } from '../../shared/httpServer.ts';
import { createLogger } from '../../shared/logger.ts';
import type { RedisTarget } from '../../shared/redisTarget.ts';
import { startTcpProxy, type TcpProxy } from '../../shared/tcpProxy.ts';
import { topology, type Topology } from '../../shared/topology.ts';
import { startGateway, type RunningGateway } from '../../gateway/service.ts';
import { startOrderService, type RunningOrderService } from '../../order-service/service.ts';
import { createProviderApp, type ProviderState } from '../../payment-provider/app.ts';
import { ChargeStore } from '../../payment-provider/chargeStore.ts';
import { HEALTHY } from '../../payment-provider/faults.ts';
import { startPaymentService, type RunningPaymentService } from '../../payment-service/service.ts';
import { waitFor } from './waitFor.ts';

const PG_ROOT = 'postgres://postgres@127.0.0.1:5432';
const REDIS = { host: '127.0.0.1', port: 6379 };
const AMQP = { host: '127.0.0.1', port: 5672 };

/** Payment-service settings a test may change. */
export interface PaymentTuning {
  prefetch?: number;
  providerTimeoutMs?: number;
  retryMaxAttempts?: number;
  redeliveryDelayMs?: number;
  maxDeliveries?: number;
  breakerResetMs?: number;
  sagaStuckAfterMs?: number;
}

/** A payment-service instance, in-process or a child process. */
export type PaymentInstance =
  | { kind: 'in-process'; service: RunningPaymentService }
  | { kind: 'child'; process: ChildProcess; port: number };

/** Counts of orders by status in the stack's database. */
export interface StatusCounts {
  pending: number;
  paid: number;
  failed: number;
}

/** The running stack. */
export interface Stack {
  readonly prefix: string;
  readonly backend: BackendConfig;
  readonly names: Topology;
  readonly pool: pg.Pool;
  readonly provider: { state: ProviderState; url: string };
  readonly redisProxy: TcpProxy;
  readonly amqpProxy: TcpProxy;
  readonly orderService: RunningOrderService;
  readonly gateway: RunningGateway;
  readonly gatewayUrl: string;
  readonly payments: PaymentInstance[];
  /** Starts one more payment-service instance. */
  startPayment(mode?: 'in-process' | 'child'): Promise<PaymentInstance>;
  statusCounts(): Promise<StatusCounts>;
  stop(): Promise<void>;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  payments?: number;
  /** A database the caller owns (e.g. a multi-host URL of a replicated cluster); not dropped. */
  databaseUrl?: string;
  /** The order cache's Redis (default: the machine's, through the stack's cuttable proxy). */
  redis?: RedisTarget;
  tuning?: PaymentTuning;
}

/** Starts the stack; `stop()` removes every trace of it. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const log = createLogger(prefix, 'error');
  const [redisProxy, amqpProxy] = await Promise.all([startTcpProxy(REDIS), startTcpProxy(AMQP)]);
  const backend: BackendConfig = {
    databaseUrl: options.databaseUrl ?? `${PG_ROOT}/faultline_${prefix}`,
    redisUrl: `redis://127.0.0.1:${redisProxy.port}`,
    amqpUrl: `amqp://guest:guest@127.0.0.1:${amqpProxy.port}`,
    amqpNamePrefix: `${prefix}.`,
    redisKeyPrefix: `${prefix}:`,
  };
  const names = topology(backend.amqpNamePrefix);
  const providerState: ProviderState = { faults: { ...HEALTHY }, store: new ChargeStore(), requests: 0 };
  const providerServer: RunningServer = await listen(createProviderApp(providerState), 0, '127.0.0.1');
  const providerUrl = `http://127.0.0.1:${providerServer.port}`;
  const orderService = await startOrderService(
    {
      ...backend,
      redis: options.redis ?? { kind: 'url', url: backend.redisUrl },
      port: 0,
      outboxPollMs: 50,
      cacheTtlSeconds: 60,
      logLevel: 'error',
    },
    log,
  );
  const gateway = await startGateway(
    {
      port: 0,
      orderServiceUrl: `http://127.0.0.1:${orderService.port}`,
      upstreamTimeoutMs: 5000,
      logLevel: 'error',
    },
    log,
  );
  const pool = createPool(backend.databaseUrl);
  const env = paymentEnv(backend, providerUrl, options.tuning ?? {});
  const payments: PaymentInstance[] = [];

  const startPayment = async (mode: 'in-process' | 'child' = 'in-process'): Promise<PaymentInstance> => {
    const instance = mode === 'child' ? await spawnPayment(env) : await startInProcess(env, log);
    payments.push(instance);
    return instance;
  };
  for (let i = 0; i < (options.payments ?? 2); i += 1) await startPayment();

  return {
    prefix,
    backend,
    names,
    pool,
    provider: { state: providerState, url: providerUrl },
    redisProxy,
    amqpProxy,
    orderService,
    gateway,
    gatewayUrl: `http://127.0.0.1:${gateway.port}`,
    payments,
    startPayment,
    statusCounts: () => statusCounts(pool),
    async stop() {
      for (const instance of payments) await stopPayment(instance);
      await gateway.close();
      await orderService.close();
      await providerServer.close();
      await pool.end();
      await Promise.all([redisProxy.close(), amqpProxy.close()]);
      await Promise.all([
        options.databaseUrl ? Promise.resolve() : dropDatabase(backend.databaseUrl),
        deleteTopology(names),
        deleteKeys(backend.redisKeyPrefix),
      ]);
    },
  };
}

function paymentEnv(backend: BackendConfig, providerUrl: string, tuning: PaymentTuning): NodeJS.ProcessEnv {
  return {
    PORT: '0',
    DATABASE_URL: backend.databaseUrl,
    REDIS_URL: backend.redisUrl,
    AMQP_URL: backend.amqpUrl,
    AMQP_NAME_PREFIX: backend.amqpNamePrefix,
    REDIS_KEY_PREFIX: backend.redisKeyPrefix,
    PAYMENT_PROVIDER_URL: providerUrl,
    PREFETCH: String(tuning.prefetch ?? 10),
    PROVIDER_TIMEOUT_MS: String(tuning.providerTimeoutMs ?? 1000),
    RETRY_MAX_ATTEMPTS: String(tuning.retryMaxAttempts ?? 2),
    REDELIVERY_DELAY_MS: String(tuning.redeliveryDelayMs ?? 300),
    MAX_DELIVERIES: String(tuning.maxDeliveries ?? 100),
    BREAKER_RESET_MS: String(tuning.breakerResetMs ?? 1000),
    SAGA_STUCK_AFTER_MS: String(tuning.sagaStuckAfterMs ?? 120_000),
    LOG_LEVEL: 'error',
  };
}

async function startInProcess(
  env: NodeJS.ProcessEnv,
  log: ReturnType<typeof createLogger>,
): Promise<PaymentInstance> {
  const service = await startPaymentService(paymentServiceConfig(env), log);
  await waitFor(
    () => (service.consumer.connected ? true : undefined),
    () => 'payment consumer to attach',
  );
  return { kind: 'in-process', service };
}

async function spawnPayment(env: NodeJS.ProcessEnv): Promise<PaymentInstance> {
  const main = path.resolve('demo-services/payment-service/main.ts');
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      ...env,
      LOG_LEVEL: 'info',
      OTEL_TRACES_EXPORTER: 'none',
      FAULTLINE_METRICS_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const port = await waitFor(
    () => {
      const match = /"message":"payment-service listening","port":(\d+)/.exec(output);
      return match ? Number(match[1]) : undefined;
    },
    () => `payment-service child to listen; output: ${output}`,
  );
  await waitFor(
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return response?.status === 200 ? true : undefined;
    },
    () => 'payment-service child to attach to its queue',
  );
  return { kind: 'child', process: child, port };
}

async function stopPayment(instance: PaymentInstance): Promise<void> {
  if (instance.kind === 'in-process') {
    await instance.service.close();
    return;
  }
  if (instance.process.exitCode !== null || instance.process.signalCode !== null) return;
  const exited = new Promise((resolve) => instance.process.once('exit', resolve));
  instance.process.kill('SIGKILL');
  await exited;
}

async function statusCounts(pool: pg.Pool): Promise<StatusCounts> {
  const { rows } = await pool.query<{ status: keyof StatusCounts; count: string }>(
    'SELECT status, count(*) FROM orders GROUP BY status',
  );
  const counts: StatusCounts = { pending: 0, paid: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

async function deleteTopology(names: Topology): Promise<void> {
  const connection = await amqp.connect(`amqp://guest:guest@${AMQP.host}:${AMQP.port}`);
  try {
    const channel = await connection.createChannel();
    for (const queue of [names.queue, names.deadLetterQueue, names.retryQueue])
      await channel.deleteQueue(queue);
    for (const exchange of [names.exchange, names.deadLetterExchange]) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
}

async function deleteKeys(keyPrefix: string): Promise<void> {
  const redis = new Redis(REDIS.port, REDIS.host);
  try {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
