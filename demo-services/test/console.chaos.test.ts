/**
 * `demoChaos`, the console's chaos control, on the same kinds of targets the demo gives its
 * control channel: a real provider simulator (its admin API), real cuttable TCP proxies in
 * front of the machine's Redis and RabbitMQ, and real supervised child processes. Every fault
 * `npm run chaos` offers is injected, seen as active, and cleared on its own; reset clears all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { demoChaos, providerFaultsOf } from '../console/demoChaos.ts';
import type { ChaosControl, Fault } from '../console/faults.ts';
import { ManagedProcess } from '../demo/managedProcess.ts';
import { startDemoRedis } from '../demo/redisSentinelDemo.ts';
import { createProviderApp } from '../payment-provider/app.ts';
import { listen, type RunningServer } from '../shared/httpServer.ts';
import { startTcpProxy, type TcpProxy } from '../shared/tcpProxy.ts';
import { waitFor } from './console-support/waitFor.ts';

let dir: string;
let provider: RunningServer;
let redisProxy: TcpProxy;
let amqpProxy: TcpProxy;
let processes: ManagedProcess[];
let chaos: ChaosControl;

function idleProcess(name: string): ManagedProcess {
  return new ManagedProcess({
    name,
    command: process.execPath,
    args: ['-e', 'setInterval(() => {}, 1000)'],
    env: {},
    logFile: path.join(dir, `${name}.log`),
  });
}

/** Whether a TCP connection through `proxy` stays open long enough to be used. */
async function proxyPasses(proxy: TcpProxy): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(proxy.port, '127.0.0.1');
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
    // Redis answers the inline PING; RabbitMQ answers any 8 bytes that are not its protocol
    // header with the header it speaks. An answer proves the path is open.
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.write('PING\r\n\r\n');
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-console-chaos-'));
  provider = await listen(createProviderApp(), 0, '127.0.0.1');
  redisProxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  amqpProxy = await startTcpProxy({ host: '127.0.0.1', port: 5672 });
  processes = [idleProcess('gateway-1'), idleProcess('payment-provider')];
  for (const p of processes) p.start();
  chaos = demoChaos({ providerUrl: `http://127.0.0.1:${provider.port}`, redisProxy, amqpProxy, processes });
});

afterAll(async () => {
  await Promise.all((processes ?? []).map((p) => p.stop()));
  await Promise.all([provider?.close(), redisProxy?.close(), amqpProxy?.close()]);
  await rm(dir, { recursive: true, force: true });
});

const everyFault: Fault[] = [
  { kind: 'provider-down' },
  { kind: 'provider-slow' },
  { kind: 'provider-errors', rate: 0.5 },
  { kind: 'provider-timeouts' },
  { kind: 'kill', service: 'gateway-1' },
  { kind: 'redis-down' },
  { kind: 'broker-down' },
];

it('offers every demo process to kill, by its instance name', () => {
  expect(chaos.killableServices).toEqual(['gateway-1', 'payment-provider']);
});

it.each(everyFault.map((fault) => [fault.kind, fault] as const))(
  'injects %s, reports it active, and clears it on its own',
  async (_kind, fault) => {
    expect(await chaos.active()).toEqual([]);
    await chaos.inject(fault);
    expect(await chaos.active()).toEqual([fault]);
    await chaos.clear(fault);
    if (fault.kind === 'kill') {
      await waitFor(
        async () => ((await chaos.active()).length === 0 ? true : undefined),
        () => 'the killed process to run again',
      );
    }
    expect(await chaos.active()).toEqual([]);
  },
);

it('really cuts the path to Redis and RabbitMQ, and restores it', async () => {
  await chaos.inject({ kind: 'redis-down' });
  await chaos.inject({ kind: 'broker-down' });
  expect(await proxyPasses(redisProxy)).toBe(false);
  expect(await proxyPasses(amqpProxy)).toBe(false);
  await chaos.clear({ kind: 'redis-down' });
  await chaos.clear({ kind: 'broker-down' });
  expect(await proxyPasses(redisProxy)).toBe(true);
  expect(await proxyPasses(amqpProxy)).toBe(true);
});

it('resets every fault at once, restarting what was killed', async () => {
  for (const fault of everyFault) await chaos.inject(fault);
  expect(await chaos.active()).toHaveLength(everyFault.length);
  await chaos.reset();
  await waitFor(
    async () => ((await chaos.active()).length === 0 ? true : undefined),
    async () => `no fault left; still ${JSON.stringify(await chaos.active())}`,
  );
  expect(processes.every((p) => p.running)).toBe(true);
});

it.each(['consumer-stall', 'broker-kill'] as const)(
  'refuses %s on the RabbitMQ bus, naming the bus it needs',
  async (kind) => {
    await expect(chaos.inject({ kind })).rejects.toThrow(
      `${kind} needs the Kafka bus, and this demo runs on RabbitMQ: start it with \`npm run demo -- --bus kafka\``,
    );
    expect(await chaos.active()).toEqual([]);
  },
);

it.each([
  ['db-failover', 'the demo runs on DATABASE_URL, not on a replicated database of its own'],
  ['redis-master-down', 'the demo runs on REDIS_URL, not on a Redis Sentinel group of its own'],
] as const)('refuses %s when the demo runs on the machine’s servers, saying so', async (kind, message) => {
  await expect(chaos.inject({ kind })).rejects.toThrow(message);
  expect(await chaos.active()).toEqual([]);
});

it('kills the Redis master of the demo’s own Sentinel group; the Sentinels elect another', async () => {
  const redis = await startDemoRedis(() => undefined);
  try {
    const withSentinel = demoChaos({
      providerUrl: `http://127.0.0.1:${provider.port}`,
      redisProxy,
      amqpProxy,
      processes,
      redis,
    });
    const before = await redis.status();
    await withSentinel.inject({ kind: 'redis-master-down' });
    const after = await waitFor(
      async () => {
        const status = await redis.status();
        return status.failovers === 1 && status.masterPort !== before.masterPort ? status : undefined;
      },
      async () => `a new master; status ${JSON.stringify(await redis.status())}`,
      90_000,
    );
    expect(after.nodePorts).toContain(after.masterPort);
    // One-shot: nothing stays active, and clearing it is a no-op.
    await withSentinel.clear({ kind: 'redis-master-down' });
    expect(await withSentinel.active()).toEqual([]);
  } finally {
    await redis.stop();
  }
}, 120_000);

it('reads the provider settings as the faults they are', () => {
  expect(providerFaultsOf({ down: false, latencyMs: 0, errorRate: 0, timeout: false })).toEqual([]);
  expect(providerFaultsOf({ down: true, latencyMs: 1500, errorRate: 0.25, timeout: true })).toEqual([
    { kind: 'provider-down' },
    { kind: 'provider-slow' },
    { kind: 'provider-errors', rate: 0.25 },
    { kind: 'provider-timeouts' },
  ]);
});
