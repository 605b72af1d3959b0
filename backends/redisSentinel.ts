/**
 * A Redis replication group watched by Sentinel, of its own, for tests and the demo: a master, a
 * replica and three Sentinels (quorum 2) from Debian's `redis-server` and `redis-sentinel`, each
 * on a free loopback port, with its files in one temporary directory removed on stop. Sentinels
 * judge a silent master down after `downAfterMs` and elect its replica; a killed node restarted
 * with `restart` comes back as a replica of whichever node is master then.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePorts } from './ports.ts';
import { startBackend, type BackendProcess } from './process.ts';

/** Debian's binaries (packages redis-server and redis-sentinel, scripts/provision.sh). */
export const REDIS_SERVER = '/usr/bin/redis-server';
export const REDIS_SENTINEL = '/usr/bin/redis-sentinel';

/** Where a Redis process listens. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link startRedisSentinel}. */
export interface RedisSentinelOptions {
  /** The master group's name (default `faultline`). */
  readonly name?: string;
  /** How long a master may be silent before a Sentinel judges it down (default 1000 ms). */
  readonly downAfterMs?: number;
}

/** The running group. */
export interface RunningRedisSentinel {
  readonly name: string;
  readonly sentinels: readonly RedisAddress[];
  /** Ports of the data nodes, the first master at start. */
  readonly nodePorts: readonly number[];
  /** The master the Sentinels report now. */
  master(): Promise<RedisAddress>;
  /** SIGKILLs the data node on `port`. */
  kill(port: number): void;
  /** Starts the data node on `port` again, as a replica of the current master. */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Sends one command to `address` on a short-lived connection. */
export async function redisCommand(address: RedisAddress, ...args: string[]): Promise<unknown> {
  const client = new Redis({
    ...address,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(args[0] as string, ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

/** Asks the Sentinel at `sentinel` for master `name`'s address. */
export async function askMaster(sentinel: RedisAddress, name: string): Promise<RedisAddress> {
  const reply = (await redisCommand(sentinel, 'SENTINEL', 'get-master-addr-by-name', name)) as
    [string, string] | null;
  if (!reply) throw new Error(`Sentinel ${sentinel.port} does not know master ${name}`);
  return { host: reply[0], port: Number(reply[1]) };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`Redis Sentinel group: ${what} within ${timeoutMs} ms`);
    await delay(100);
  }
}

function startNode(dir: string, port: number, master?: RedisAddress): Promise<BackendProcess> {
  return startBackend({
    name: `redis:${port}`,
    command: REDIS_SERVER,
    args: [
      ...['--port', String(port), '--bind', HOST, '--protected-mode', 'no'],
      ...['--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', `dump-${port}.rdb`],
      // A replica's full sync starts at once (the default waits 5 s for more replicas to join).
      ...['--repl-diskless-sync-delay', '0'],
      ...(master ? ['--replicaof', master.host, String(master.port)] : []),
    ],
    logFile: path.join(dir, `redis-${port}.log`),
    ready: async () => (await redisCommand({ host: HOST, port }, 'PING')) === 'PONG',
    stopTimeoutMs: 5000,
  });
}

async function startSentinel(
  dir: string,
  port: number,
  name: string,
  master: RedisAddress,
  downAfterMs: number,
) {
  const config = path.join(dir, `sentinel-${port}.conf`);
  // Sentinel rewrites its own file (what it learns of replicas, peers and epochs): one each.
  await writeFile(
    config,
    [
      `port ${port}`,
      `bind ${HOST}`,
      'protected-mode no',
      `dir ${dir}`,
      `sentinel monitor ${name} ${master.host} ${master.port} 2`,
      `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
      // Also how long a Sentinel waits (twice this) before retrying an election that split.
      `sentinel failover-timeout ${name} ${Math.max(3000, downAfterMs * 3)}`,
      `sentinel parallel-syncs ${name} 1`,
      '',
    ].join('\n'),
  );
  return startBackend({
    name: `redis-sentinel:${port}`,
    command: REDIS_SENTINEL,
    args: [config],
    logFile: path.join(dir, `sentinel-${port}.log`),
    ready: async () => (await redisCommand({ host: HOST, port }, 'PING')) === 'PONG',
    stopTimeoutMs: 5000,
  });
}

/** Starts the master, its replica (in sync), then three Sentinels, and waits for their quorum. */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RunningRedisSentinel> {
  const name = options.name ?? 'faultline';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-redis-sentinel-'));
  const nodes = new Map<number, BackendProcess>();
  const sentinels: BackendProcess[] = [];
  const stop = async () => {
    for (const child of [...sentinels, ...nodes.values()]) await child.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // Distinct ports: two freePort() calls in a row may return the same one.
    const [masterPort, replicaPort, ...sentinelPorts] = (await freePorts(5)) as [number, number, ...number[]];
    const master = { host: HOST, port: masterPort };
    nodes.set(masterPort, await startNode(dir, masterPort));
    nodes.set(replicaPort, await startNode(dir, replicaPort, master));
    await until(
      async () =>
        String(await redisCommand({ host: HOST, port: replicaPort }, 'INFO', 'replication')).includes(
          'master_link_status:up',
        ),
      'the replica did not sync',
    );
    for (const port of sentinelPorts)
      sentinels.push(await startSentinel(dir, port, name, master, options.downAfterMs ?? 1000));
    const addresses = sentinelPorts.map((port) => ({ host: HOST, port }));
    await until(
      async () =>
        String(await redisCommand(addresses[0]!, 'SENTINEL', 'ckquorum', name)).startsWith('OK 3 usable') &&
        ((await redisCommand(addresses[0]!, 'SENTINEL', 'replicas', name)) as unknown[]).length === 1,
      'the Sentinels did not find each other and the replica',
    );
    const current = () => askMaster(addresses[0]!, name);
    return {
      name,
      sentinels: addresses,
      nodePorts: [masterPort, replicaPort],
      master: current,
      kill(port) {
        const node = nodes.get(port);
        if (!node) throw new Error(`no Redis node on port ${port}`);
        process.kill(node.pid, 'SIGKILL');
      },
      async restart(port) {
        await nodes.get(port)?.stop();
        nodes.set(port, await startNode(dir, port, await current()));
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
