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
  const deadline = Date.now() + 60_000;
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
  // Every Sentinel comes to report the replica (the others learn it from the leader's hellos).
  const elected = await eventually(async () => {
    const reported = await Promise.all(group!.sentinels.map((sentinel) => askMaster(sentinel, group!.name)));
    return reported.every((master) => master.port === second) ? reported[0] : undefined;
  }, 'every Sentinel to report the replica as master');
  // The new master has the data and accepts writes.
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
}, 150_000);
