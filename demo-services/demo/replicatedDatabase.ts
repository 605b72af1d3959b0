/**
 * The demo's orders database when it runs replicated (`startDemo({ replicatedDatabase: true })`,
 * which `npm run demo` does unless DATABASE_URL is set): a primary and a synchronous streaming
 * replica of its own (backends/postgresReplication.ts) on free loopback ports, the failover
 * supervisor (failover/supervisor.ts) watching the primary and serving its replication metrics
 * for Prometheus, and the services on the multi-host URL of both members (shared/failoverPool.ts).
 *
 * `npm run chaos -- db-failover` SIGKILLs the current primary: the supervisor promotes the
 * replica, the services follow it without a restart, and then the dead member is rebuilt as a
 * replica of the promoted one on its old port (so the services' URL still names it), made
 * synchronous, and watched by a new supervisor: the roles swap, and the next failover works too.
 * The clusters live in temporary directories and are removed when the demo stops.
 */
import { createServer, type Server } from 'node:http';
import type { RunningPostgres } from '../../backends/postgres.ts';
import {
  makeAsynchronous,
  makeSynchronous,
  startReplica,
  startReplicatedPostgres,
} from '../../backends/postgresReplication.ts';
import { ReplicationMetrics } from '../failover/replicationMetrics.ts';
import { FailoverSupervisor } from '../failover/supervisor.ts';

/** Which member does what, as a discriminated union: a rebuild has no replica yet. */
type Members =
  | {
      readonly value: 'replicated';
      readonly primary: RunningPostgres;
      readonly replica: RunningPostgres;
      readonly supervisor: FailoverSupervisor;
    }
  | { readonly value: 'rebuilding'; readonly primary: RunningPostgres; readonly rebuildingPort: number }
  | { readonly value: 'rebuild-failed'; readonly primary: RunningPostgres; readonly error: string };

/** What `chaos status` shows of the database. */
export interface DatabaseStatus {
  readonly state: Members['value'];
  readonly primaryPort: number;
  readonly replicaPort?: number;
  readonly supervisor?: string;
  readonly promotions: number;
  readonly error?: string;
}

/** The running replicated database. */
export interface DemoDatabase {
  /** The multi-host URL the services connect with. */
  readonly url: string;
  /** The first member's single-host URL, for pg_dump (a primary, or after a failover its replica). */
  readonly dumpUrl: string;
  /** `host:port` of the supervisor's metrics, for Prometheus. */
  readonly metricsTarget: string;
  status(): DatabaseStatus;
  /** SIGKILLs the current primary; throws while a failover or rebuild is under way. */
  killPrimary(): { readonly killedPort: number };
  stop(): Promise<void>;
}

/** Options of {@link startDemoDatabase}. */
export interface DemoDatabaseOptions {
  readonly database: string;
  readonly metricsPort: number;
  readonly print: (line: string) => void;
}

/** Starts the primary, the replica, the supervisor and its metrics endpoint. */
export async function startDemoDatabase(options: DemoDatabaseOptions): Promise<DemoDatabase> {
  const cluster = await startReplicatedPostgres(options.database, { synchronous: true });
  const metrics = new ReplicationMetrics();
  const server = await serveMetrics(metrics, options.metricsPort).catch(async (error: unknown) => {
    await cluster.stop();
    throw error;
  });
  return new ReplicatedDemoDatabase(cluster.primary, cluster.replica, metrics, server, options);
}

function serveMetrics(metrics: ReplicationMetrics, port: number): Promise<Server> {
  const server = createServer((_req, res) => {
    void metrics.registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
    });
  });
  return new Promise((resolve, reject) =>
    server.once('error', reject).listen(port, '127.0.0.1', () => resolve(server)),
  );
}

class ReplicatedDemoDatabase implements DemoDatabase {
  readonly url: string;
  readonly dumpUrl: string;
  readonly metricsTarget: string;
  #members: Members;
  #promotions = 0;
  #generation = 1;
  #rebuild: Promise<void> = Promise.resolve();
  readonly #metrics: ReplicationMetrics;
  readonly #server: Server;
  readonly #options: DemoDatabaseOptions;

  constructor(
    primary: RunningPostgres,
    replica: RunningPostgres,
    metrics: ReplicationMetrics,
    server: Server,
    options: DemoDatabaseOptions,
  ) {
    this.#metrics = metrics;
    this.#server = server;
    this.#options = options;
    this.url = `postgres://postgres@127.0.0.1:${primary.port},127.0.0.1:${replica.port}/${options.database}`;
    this.dumpUrl = primary.url(options.database);
    this.metricsTarget = `127.0.0.1:${options.metricsPort}`;
    this.#members = { value: 'replicated', primary, replica, supervisor: this.#watch(primary, replica) };
  }

  status(): DatabaseStatus {
    const m = this.#members;
    const base = { state: m.value, primaryPort: m.primary.port, promotions: this.#promotions };
    switch (m.value) {
      case 'replicated':
        return { ...base, replicaPort: m.replica.port, supervisor: m.supervisor.state.value };
      case 'rebuilding':
        return { ...base, replicaPort: m.rebuildingPort };
      case 'rebuild-failed':
        return { ...base, error: m.error };
    }
  }

  killPrimary(): { readonly killedPort: number } {
    const m = this.#members;
    if (m.value !== 'replicated' || m.supervisor.state.value !== 'watching')
      throw new Error(
        `a failover is already under way (${JSON.stringify(this.status())}): wait for it to end`,
      );
    process.kill(m.primary.process.pid, 'SIGKILL');
    return { killedPort: m.primary.port };
  }

  #watch(primary: RunningPostgres, replica: RunningPostgres): FailoverSupervisor {
    const db = this.#options.database;
    const supervisor: FailoverSupervisor = new FailoverSupervisor({
      primaryUrl: primary.url(db),
      replicaUrl: replica.url(db),
      metrics: this.#metrics,
      onPromoted: () => {
        this.#promotions += 1;
        this.#options.print(`database: primary :${primary.port} lost, replica :${replica.port} promoted`);
        this.#rebuild = this.#rebuildAsReplica(replica, primary, supervisor);
      },
    });
    return supervisor;
  }

  /**
   * Rebuilds the dead `old` member as a synchronous replica of `promoted`, on its old port, and
   * hands the watch from the supervisor that promoted (it promotes once) to a new one.
   */
  async #rebuildAsReplica(
    promoted: RunningPostgres,
    old: RunningPostgres,
    promoter: FailoverSupervisor,
  ): Promise<void> {
    this.#members = { value: 'rebuilding', primary: promoted, rebuildingPort: old.port };
    try {
      await promoter.stop();
      await makeAsynchronous(promoted);
      await old.stop();
      this.#generation += 1;
      const name = `replica${this.#generation}`;
      const replica = await startReplica(promoted, name, old.port);
      await makeSynchronous(promoted, name);
      this.#members = {
        value: 'replicated',
        primary: promoted,
        replica,
        supervisor: this.#watch(promoted, replica),
      };
      this.#options.print(
        `database: :${old.port} rebuilt as synchronous replica ${name} of :${promoted.port}`,
      );
    } catch (error) {
      this.#members = { value: 'rebuild-failed', primary: promoted, error: (error as Error).message };
      this.#options.print(
        `database: rebuilding :${old.port} as a replica failed: ${(error as Error).message}`,
      );
    }
  }

  async stop(): Promise<void> {
    await this.#rebuild;
    const m = this.#members;
    if (m.value === 'replicated') {
      await m.supervisor.stop();
      await m.replica.stop();
    }
    await m.primary.stop();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
