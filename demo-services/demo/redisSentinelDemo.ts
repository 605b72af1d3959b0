/**
 * The demo's Redis when it runs under Sentinel (`startDemo({ redisSentinel: true })`, which
 * `npm run demo` does unless REDIS_URL is set): a master, a replica and three Sentinels of its
 * own (backends/redisSentinel.ts), a cuttable TCP proxy in front of each Redis node, and the
 * order cache pointed at the Sentinels with a NAT map from the nodes' addresses to their proxies
 * (so `redis-down` still cuts this demo's Redis, all nodes at once).
 *
 * `npm run chaos -- redis-master-down` SIGKILLs the current master: reads are served from
 * PostgreSQL (degraded) until the Sentinels have elected the replica and the cache has followed
 * it; then the killed node is started again, and comes back as a replica of the new master.
 */
import {
  startRedisSentinel,
  type RedisAddress,
  type RunningRedisSentinel,
} from '../../backends/redisSentinel.ts';
import { linkGroup, startTcpProxy, type CuttableLink, type TcpProxy } from '../shared/tcpProxy.ts';

/** Where the group is in a failover the demo caused. */
type Election =
  | { readonly value: 'stable' }
  | { readonly value: 'electing'; readonly killedPort: number }
  | { readonly value: 'restarting'; readonly killedPort: number }
  | { readonly value: 'restart-failed'; readonly killedPort: number; readonly error: string };

/** What `chaos status` shows of Redis. */
export interface RedisStatus {
  readonly election: Election['value'];
  readonly masterPort: number | 'unknown';
  readonly nodePorts: readonly number[];
  readonly failovers: number;
  readonly error?: string;
}

/** The running group, as the demo uses it. */
export interface DemoRedis {
  /** The order-service's environment: Sentinels, master name, NAT map to the proxies. */
  readonly env: Readonly<Record<string, string>>;
  /** The proxies in front of every node, cut together by `redis-down`. */
  readonly link: CuttableLink;
  status(): Promise<RedisStatus>;
  /** SIGKILLs the current master; throws while an earlier one is still being replaced. */
  killMaster(): Promise<{ readonly killedPort: number }>;
  stop(): Promise<void>;
}

const ELECTION_TIMEOUT_MS = 60_000;

/** Starts the group and the node proxies. */
export async function startDemoRedis(print: (line: string) => void): Promise<DemoRedis> {
  const group = await startRedisSentinel();
  const proxies: TcpProxy[] = [];
  try {
    for (const port of group.nodePorts) proxies.push(await startTcpProxy({ host: '127.0.0.1', port }));
  } catch (error) {
    await Promise.all(proxies.map((p) => p.close()));
    await group.stop();
    throw error;
  }
  return new SentinelDemoRedis(group, proxies, print);
}

class SentinelDemoRedis implements DemoRedis {
  readonly env: Readonly<Record<string, string>>;
  readonly link: CuttableLink;
  #election: Election = { value: 'stable' };
  #failovers = 0;
  #replacing: Promise<void> = Promise.resolve();
  readonly #group: RunningRedisSentinel;
  readonly #print: (line: string) => void;

  constructor(group: RunningRedisSentinel, proxies: readonly TcpProxy[], print: (line: string) => void) {
    this.#group = group;
    this.#print = print;
    this.link = linkGroup(proxies);
    const address = (a: RedisAddress) => `${a.host}:${a.port}`;
    this.env = {
      REDIS_SENTINELS: group.sentinels.map(address).join(','),
      REDIS_SENTINEL_NAME: group.name,
      REDIS_NAT_MAP: group.nodePorts
        .map((port, i) => `127.0.0.1:${port}=127.0.0.1:${(proxies[i] as TcpProxy).port}`)
        .join(','),
    };
  }

  async status(): Promise<RedisStatus> {
    const master = await this.#group.master().catch(() => undefined);
    return {
      election: this.#election.value,
      masterPort: master?.port ?? 'unknown',
      nodePorts: this.#group.nodePorts,
      failovers: this.#failovers,
      ...(this.#election.value === 'restart-failed' ? { error: this.#election.error } : {}),
    };
  }

  async killMaster(): Promise<{ readonly killedPort: number }> {
    if (this.#election.value === 'electing' || this.#election.value === 'restarting')
      throw new Error(`a master is already being replaced (${JSON.stringify(await this.status())})`);
    const { port } = await this.#group.master();
    this.#group.kill(port);
    this.#election = { value: 'electing', killedPort: port };
    this.#replacing = this.#replace(port);
    return { killedPort: port };
  }

  /** Waits for the Sentinels to elect another master, then restarts the killed node as its replica. */
  async #replace(killedPort: number): Promise<void> {
    try {
      const deadline = Date.now() + ELECTION_TIMEOUT_MS;
      let master = await this.#group.master().catch(() => undefined);
      while (master === undefined || master.port === killedPort) {
        if (Date.now() > deadline) throw new Error(`no new master elected within ${ELECTION_TIMEOUT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        master = await this.#group.master().catch(() => undefined);
      }
      this.#failovers += 1;
      this.#print(`redis: master :${killedPort} lost, Sentinels elected :${master.port}`);
      this.#election = { value: 'restarting', killedPort };
      await this.#group.restart(killedPort);
      this.#election = { value: 'stable' };
      this.#print(`redis: :${killedPort} back as a replica of :${master.port}`);
    } catch (error) {
      this.#election = { value: 'restart-failed', killedPort, error: (error as Error).message };
    }
  }

  async stop(): Promise<void> {
    await this.#replacing;
    await this.link.close();
    await this.#group.stop();
  }
}
