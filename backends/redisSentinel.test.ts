/**
 * The Redis Sentinel group for real: Debian's redis-server and redis-sentinel on free ports. The
 * master is killed; the Sentinels elect the replica, which holds what the master had; the old
 * master, restarted, comes back as a replica of the new one.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { askMaster, redisCommand, startRedisSentinel, type RunningRedisSentinel } from './redisSentinel.ts';

let group: RunningRedisSentinel | undefined;

afterAll(async () => {
  await group?.stop();
});

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

test('the master killed: the Sentinels elect the replica, and the old master returns as its replica', async () => {
  group = await startRedisSentinel();
  const [first, second] = group.nodePorts;
  expect(await group.master()).toEqual({ host: '127.0.0.1', port: first });
  await redisCommand({ host: '127.0.0.1', port: first! }, 'SET', 'faultline:k', 'v');
  await redisCommand({ host: '127.0.0.1', port: first! }, 'WAIT', '1', '1000');

  group.kill(first!);
  const elected = await eventually(async () => {
    const master = await group!.master();
    return master.port === second ? master : undefined;
  }, 'the Sentinels to elect the replica');
  // Every Sentinel agrees, and the new master has the data and accepts writes.
  for (const sentinel of group.sentinels) expect(await askMaster(sentinel, group.name)).toEqual(elected);
  expect(await redisCommand(elected, 'GET', 'faultline:k')).toBe('v');
  expect(await redisCommand(elected, 'SET', 'faultline:k2', 'w')).toBe('OK');

  await group.restart(first!);
  await eventually(async () => {
    const info = String(await redisCommand({ host: '127.0.0.1', port: first! }, 'INFO', 'replication'));
    return info.includes('role:slave') &&
      info.includes(`master_port:${second}`) &&
      info.includes('master_link_status:up')
      ? true
      : undefined;
  }, 'the old master to replicate from the new one');
  expect(await redisCommand({ host: '127.0.0.1', port: first! }, 'GET', 'faultline:k2')).toBe('w');
});
