/**
 * Throwaway PostgreSQL clusters of their own (initdb, a free loopback port, trust auth), for the
 * tests that destroy a database, restore into a fresh cluster or fail a primary over: the
 * machine's shared cluster on 5432 is never touched. PostgreSQL refuses to run as root, so as
 * root every server program runs as the `postgres` user (setpriv), in a directory it owns.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './ports.ts';
import { startBackend, type BackendProcess } from './process.ts';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 server programs (scripts/provision.sh installs them). */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A cluster started by `startPostgres`. */
export interface RunningPostgres {
  readonly port: number;
  /** The data directory. */
  readonly dataDir: string;
  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database?: string): string;
  readonly process: BackendProcess;
  /** Stops the server (fast shutdown) and removes its directory unless `keepDir` was set. */
  stop(): Promise<void>;
}

/** How to start one cluster. */
export interface PostgresOptions {
  /** A data directory that exists already (a base backup): initdb is skipped. */
  dataDir?: string;
  /** Lines appended to postgresql.conf. */
  settings?: Record<string, string | number>;
  /** Keep the data directory after stop. */
  keepDir?: boolean;
  port?: number;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** `command args` as the postgres user when this process is root, else as is. */
export function asPostgres(command: string, args: readonly string[]): [string, string[]] {
  return postgresIds()
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]]
    : [command, [...args]];
}

/** Runs a PostgreSQL program (initdb, pg_basebackup, pg_ctl...) as the postgres user. */
export async function runPgProgram(program: string, args: readonly string[]): Promise<string> {
  const [command, argv] = asPostgres(path.join(PG_BIN, program), args);
  try {
    return (await run(command, argv, { cwd: os.tmpdir() })).stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`${program} ${args.join(' ')} failed: ${(stderr || message).trim()}`, { cause: error });
  }
}

/** A new empty directory the postgres user owns (mode 0700, as PostgreSQL requires). */
export async function postgresOwnedDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const ids = postgresIds();
  if (ids) await chown(dir, ids.uid, ids.gid);
  return dir;
}

/** Whether the server on `port` accepts a query. */
export async function acceptsQueries(port: number): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts a PostgreSQL 15 cluster on a free loopback port: a new one (initdb, trust auth for
 * local and loopback connections, replication allowed) unless `dataDir` is given. Resolves once
 * it accepts queries; a standby (a `standby.signal` in `dataDir`) is ready once it accepts
 * read-only queries.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<RunningPostgres> {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? path.join(await postgresOwnedDir('faultline-pg-'), 'data');
  if (!options.dataDir) {
    await runPgProgram('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await writeFile(
      path.join(dataDir, 'pg_hba.conf'),
      'local all all trust\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n',
    );
  }
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: path.dirname(dataDir),
    fsync: 'off',
    ...options.settings,
  };
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  const [command, argv] = asPostgres(path.join(PG_BIN, 'postgres'), args);
  const server = await startBackend({
    name: `postgres:${port}`,
    command,
    args: argv,
    cwd: os.tmpdir(),
    // Beside the data directory, so stop() removes it with the cluster.
    logFile: path.join(path.dirname(dataDir), 'postgres.log'),
    ready: () => acceptsQueries(port),
    readyTimeoutMs: 60_000,
  });
  return {
    port,
    dataDir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    process: server,
    stop: async () => {
      await server.stop();
      if (!options.keepDir) await rm(path.dirname(dataDir), { recursive: true, force: true });
    },
  };
}
