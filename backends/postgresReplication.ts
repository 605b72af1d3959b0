/**
 * A replicated PostgreSQL of its own for failover tests: a primary and a streaming replica, each
 * its own cluster on a free loopback port. The replica is a pg_basebackup of the primary that
 * streams from a physical replication slot (so the primary keeps the WAL it has not received);
 * with `synchronous`, a commit on the primary returns only once the replica has flushed it, so a
 * promoted replica holds every acknowledged write.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { postgresOwnedDir, runPgProgram, startPostgres, type RunningPostgres } from './postgres.ts';

/** Settings of a primary that replicas stream from. */
const PRIMARY_SETTINGS = {
  wal_level: 'replica',
  max_wal_senders: 5,
  max_replication_slots: 5,
  hot_standby: 'on',
  wal_keep_size: '64MB',
};

/** How to replicate. */
export interface ReplicationOptions {
  /** Commits wait for the replica (synchronous_commit on, the replica named as synchronous). */
  synchronous?: boolean;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts a replica of `primary` named `name`: creates its slot on the primary, takes a base
 * backup (`-R` writes primary_conninfo with application_name=`name` and standby.signal), starts it
 * on `port` (default: a free one; a rebuilt member takes its old port, so the services'
 * multi-host URL still names it).
 */
export async function startReplica(
  primary: RunningPostgres,
  name: string,
  port?: number,
): Promise<RunningPostgres> {
  await query(
    primary.url(),
    `SELECT pg_create_physical_replication_slot($1) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
    [name],
  );
  const dataDir = path.join(await postgresOwnedDir('faultline-pg-replica-'), 'data');
  await runPgProgram('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    dataDir,
    '-S',
    name,
    '-R',
    '-X',
    'stream',
    '--no-sync',
    '--checkpoint=fast',
    '-d',
    `application_name=${name}`,
  ]);
  return startPostgres({
    dataDir,
    settings: { ...PRIMARY_SETTINGS, cluster_name: name },
    ...(port === undefined ? {} : { port }),
  });
}

/**
 * Makes commits on `primary` wait until replica `name` has flushed them (and waits until it is
 * reported as the synchronous standby).
 */
export async function makeSynchronous(primary: RunningPostgres, name: string): Promise<void> {
  await query(primary.url(), `ALTER SYSTEM SET synchronous_standby_names = ${pg.escapeLiteral(name)}`);
  await query(primary.url(), 'SELECT pg_reload_conf()');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await replicationStatus(primary.url());
    if (status.some((r) => r.applicationName === name && r.syncState === 'sync')) return;
    if (Date.now() > deadline)
      throw new Error(`replica ${name} did not become synchronous: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Stops `primary`'s commits from waiting for any replica (a promoted member inherits the setting
 * its base backup copied, naming a standby that may be itself).
 */
export async function makeAsynchronous(primary: RunningPostgres): Promise<void> {
  await query(primary.url(), 'ALTER SYSTEM RESET synchronous_standby_names');
  await query(primary.url(), 'SELECT pg_reload_conf()');
}

/** A primary and its replica; `hosts` is the multi-host URL services connect with. */
export interface ReplicatedPostgres {
  readonly primary: RunningPostgres;
  readonly replica: RunningPostgres;
  /** `postgres://postgres@127.0.0.1:<primary>,127.0.0.1:<replica>/<database>`. */
  hosts(database: string): string;
  stop(): Promise<void>;
}

/** Starts a primary (with `database` created) and one streaming replica `replica1`. */
export async function startReplicatedPostgres(
  database: string,
  options: ReplicationOptions = {},
): Promise<ReplicatedPostgres> {
  const primary = await startPostgres({ settings: { ...PRIMARY_SETTINGS, cluster_name: 'primary' } });
  await query(primary.url(), `CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  const replica = await startReplica(primary, 'replica1').catch(async (error: unknown) => {
    await primary.stop();
    throw error;
  });
  // Only now: with no replica to acknowledge, a synchronous primary's commits would wait forever.
  if (options.synchronous) await makeSynchronous(primary, 'replica1');
  return {
    primary,
    replica,
    hosts: (db) => `postgres://postgres@127.0.0.1:${primary.port},127.0.0.1:${replica.port}/${db}`,
    async stop() {
      await replica.stop();
      await primary.stop();
    },
  };
}

/** Replication as the primary sees it: one row per connected replica. */
export interface ReplicaLag {
  readonly applicationName: string;
  readonly state: string;
  readonly syncState: string;
  /** WAL the replica has not replayed yet, in bytes. */
  readonly replayLagBytes: number;
}

/** `pg_stat_replication` of the primary at `url`. */
export async function replicationStatus(url: string): Promise<ReplicaLag[]> {
  const rows = await query<{ application_name: string; state: string; sync_state: string; lag: string }>(
    url,
    `SELECT application_name, state, sync_state,
            pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint AS lag
       FROM pg_stat_replication`,
  );
  return rows.map((r) => ({
    applicationName: r.application_name,
    state: r.state,
    syncState: r.sync_state,
    replayLagBytes: Number(r.lag ?? 0),
  }));
}

/** Removes a dead cluster's data directory (the old primary, before it is rebuilt as a replica). */
export async function removeCluster(cluster: RunningPostgres): Promise<void> {
  await rm(path.dirname(cluster.dataDir), { recursive: true, force: true });
}
