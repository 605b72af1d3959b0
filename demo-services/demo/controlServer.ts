/**
 * The demo's control channel for `npm run chaos`: a small HTTP API on 127.0.0.1 that injects
 * and clears faults. Provider faults are forwarded to the simulator's admin API; `redis-down`
 * and `broker-down` cut the demo's own TCP proxies (never the machine's shared servers);
 * `kill` SIGKILLs one instance; `consumer-stall` and `broker-kill` act on the Kafka bus
 * (`busChaos.ts`; refused, 409, on RabbitMQ, as `broker-down` is on Kafka); `db-failover`
 * SIGKILLs the replicated database's primary (replicatedDatabase.ts); `redis-master-down`
 * SIGKILLs the Redis master under Sentinel (redisSentinelDemo.ts); `reset` clears everything
 * and restarts what was killed.
 */
import express, { type Express, type Response } from 'express';
import type { CuttableLink, TcpProxy } from '../shared/tcpProxy.ts';
import { FaultNotOnThisBus, rabbitBusChaos, type BusChaos, type BusFault } from './busChaos.ts';
import type { ManagedProcess } from './managedProcess.ts';
import type { DemoRedis } from './redisSentinelDemo.ts';
import type { DemoDatabase } from './replicatedDatabase.ts';

/** What the control API acts on. */
export interface ControlTargets {
  providerUrl: string;
  redisProxy: CuttableLink;
  amqpProxy: TcpProxy;
  processes: ManagedProcess[];
  /** The replicated database, when the demo runs one (`db-failover`). */
  database?: Pick<DemoDatabase, 'status' | 'killPrimary'>;
  /** The Redis Sentinel group, when the demo runs one (`redis-master-down`). */
  redis?: Pick<DemoRedis, 'status' | 'killMaster'>;
  /** The bus's faults (default: RabbitMQ's, through `amqpProxy`). */
  bus?: BusChaos;
}

/** The bus faults of `targets`: the ones given, else RabbitMQ's through its proxy. */
export function busChaosOf(targets: ControlTargets): BusChaos {
  return targets.bus ?? rabbitBusChaos(targets.amqpProxy);
}

async function injectBusFault(bus: BusChaos, fault: BusFault, res: Response): Promise<void> {
  try {
    await bus.inject(fault);
    res.json({ [fault.kind]: 'on' });
  } catch (error) {
    res.status(error instanceof FaultNotOnThisBus ? 409 : 500).json({ error: (error as Error).message });
  }
}

async function providerFaults(
  providerUrl: string,
  faults: Record<string, unknown> | undefined,
): Promise<unknown> {
  const response = await fetch(
    faults ? `${providerUrl}/admin/faults` : `${providerUrl}/admin/faults/reset`,
    faults
      ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) }
      : { method: 'POST' },
  );
  return response.json();
}

/** Picks the instance `name` names: an instance (`gateway-2`) or the first running one of a service (`gateway`). */
export function pickInstance(processes: readonly ManagedProcess[], name: string): ManagedProcess | undefined {
  return (
    processes.find((p) => p.spec.name === name) ??
    processes.find((p) => p.running && p.spec.name.replace(/-\d+$/, '') === name)
  );
}

/** Builds the control app. */
export function createControlApp(targets: ControlTargets): Express {
  const bus = busChaosOf(targets);
  const app = express();
  app.use(express.json());

  app.get('/status', async (_req, res) => {
    const faults = await fetch(`${targets.providerUrl}/admin/faults`)
      .then((r) => r.json())
      .catch(() => 'provider unreachable');
    res.json({
      provider: faults,
      redis: targets.redisProxy.isDown ? 'down' : 'up',
      bus: { kind: bus.bus, faults: bus.active().map((fault) => fault.kind) },
      database: targets.database?.status() ?? 'not replicated (DATABASE_URL)',
      sentinel: (await targets.redis?.status()) ?? 'no Sentinel (REDIS_URL)',
      processes: Object.fromEntries(
        targets.processes.map((p) => [p.spec.name, p.running ? 'running' : 'stopped']),
      ),
    });
  });
  app.post('/provider', async (req, res) => {
    res.json(await providerFaults(targets.providerUrl, req.body as Record<string, unknown>));
  });
  app.post('/kill/:name', async (req, res) => {
    const instance = pickInstance(targets.processes, req.params.name);
    if (!instance || !instance.running) {
      res.status(404).json({
        error: `no running instance named ${req.params.name}`,
        instances: targets.processes.map((p) => p.spec.name),
      });
      return;
    }
    await instance.kill();
    res.json({ killed: instance.spec.name });
  });
  app.post('/redis-down', (_req, res) => {
    targets.redisProxy.cut();
    res.json({ redis: 'down' });
  });
  for (const kind of ['broker-down', 'consumer-stall', 'broker-kill'] as const)
    app.post(`/${kind}`, (_req, res) => injectBusFault(bus, { kind }, res));
  addReplicationFaults(app, targets);
  app.post('/reset', async (_req, res) => {
    targets.redisProxy.restore();
    await bus.reset();
    const restarted = targets.processes.filter((p) => !p.running).map((p) => p.spec.name);
    for (const p of targets.processes) p.start();
    const provider = await providerFaults(targets.providerUrl, undefined).catch(() => 'provider unreachable');
    res.json({ provider, redis: 'up', bus: bus.bus, broker: 'up', restarted });
  });
  return app;
}

/** The one-shot failover faults. */
export type FailoverKind = 'db-failover' | 'redis-master-down';

/**
 * Kills the replicated database's primary or the Redis master under Sentinel and says what
 * follows; rejects, saying why, when the demo runs on the machine's servers (no replica of its
 * own) or a failover is already under way. The control channel and the console both call it.
 */
export async function failover(
  targets: ControlTargets,
  kind: FailoverKind,
): Promise<{ readonly killedPort: number; readonly then: string }> {
  if (kind === 'db-failover') {
    if (!targets.database)
      throw new Error('the demo runs on DATABASE_URL, not on a replicated database of its own');
    return {
      ...targets.database.killPrimary(),
      then: 'the supervisor promotes the replica; see chaos status',
    };
  }
  if (!targets.redis) throw new Error('the demo runs on REDIS_URL, not on a Redis Sentinel group of its own');
  return { ...(await targets.redis.killMaster()), then: 'the Sentinels elect the replica; see chaos status' };
}

/** `db-failover` and `redis-master-down`: refused (409) when the demo runs on servers of the machine. */
function addReplicationFaults(app: Express, targets: ControlTargets): void {
  for (const kind of ['db-failover', 'redis-master-down'] as const)
    app.post(`/${kind}`, async (_req, res) => {
      try {
        res.json(await failover(targets, kind));
      } catch (error) {
        res.status(409).json({ error: (error as Error).message });
      }
    });
}
