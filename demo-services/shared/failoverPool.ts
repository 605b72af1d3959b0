/**
 * The smallest equivalent of libpq's multi-host URLs with `target_session_attrs=read-write`,
 * which node-postgres lacks: `postgres://user@h1:p1,h2:p2/db` names every member of a replicated
 * cluster, and each new connection goes to the member where `pg_is_in_recovery()` is false. After
 * a failover the dead primary's connections fail, the pool drops them, and the next connection
 * finds the promoted replica: services reconnect without a restart.
 */
import pg from 'pg';

/** One member of the cluster. */
export interface DatabaseHost {
  readonly host: string;
  readonly port: number;
}

/** A `postgres://` URL split into its hosts and the rest. */
export interface MultiHostUrl {
  readonly hosts: readonly DatabaseHost[];
  /** `user[:password]@`, or empty. */
  readonly credentials: string;
  /** `/database?query`. */
  readonly path: string;
}

/** No member accepted a read-write connection; says which were tried and why. */
export class NoWritableHostError extends Error {
  readonly code = 'FAULTLINE_NO_WRITABLE_HOST';

  constructor(tried: readonly string[]) {
    super(`no writable PostgreSQL host among ${tried.join('; ')}`);
    this.name = 'NoWritableHostError';
  }
}

const URL_SHAPE = /^(postgres(?:ql)?:\/\/)([^@/]*@)?([^/?]+)(.*)$/;

/** Splits a (possibly multi-host) postgres URL; throws naming the URL's shape when it is not one. */
export function parseMultiHostUrl(url: string): MultiHostUrl {
  const match = URL_SHAPE.exec(url);
  if (!match)
    throw new Error('DATABASE_URL must look like postgres://user@host:port[,host:port...]/database');
  const hosts = match[3]!.split(',').map((entry) => {
    const [host, port] = entry.split(':');
    return { host: host!, port: port ? Number(port) : 5432 };
  });
  return { hosts, credentials: match[2] ?? '', path: match[4] ?? '' };
}

/** The single-host URL of one member. */
export function hostUrl(url: MultiHostUrl, host: DatabaseHost): string {
  return `postgres://${url.credentials}${host.host}:${host.port}${url.path}`;
}

/** Whether `databaseUrl` names more than one host. */
export function isMultiHost(databaseUrl: string): boolean {
  return (URL_SHAPE.exec(databaseUrl)?.[3] ?? '').includes(',');
}

async function isWritable(connectionString: string, timeoutMs: number): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
    return rows[0]?.recovery === false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The single-host URL of the member that accepts writes now; throws NoWritableHostError. */
export async function findWritableHost(databaseUrl: string, timeoutMs = 1000): Promise<string> {
  const url = parseMultiHostUrl(databaseUrl);
  const tried: string[] = [];
  for (const host of url.hosts) {
    const candidate = hostUrl(url, host);
    const writable = await isWritable(candidate, timeoutMs).catch((error: Error) => {
      tried.push(`${host.host}:${host.port} (${error.message})`);
      return undefined;
    });
    if (writable) return candidate;
    if (writable === false) tried.push(`${host.host}:${host.port} (in recovery)`);
  }
  throw new NoWritableHostError(tried);
}

/**
 * A pg.Pool over every host of `databaseUrl` whose connections always land on the writable one.
 * The member found last is remembered; a connection that fails, or lands on a member in recovery
 * (a demoted or not yet promoted one), makes the next connection look again.
 */
export function createFailoverPool(databaseUrl: string, options: pg.PoolConfig = {}): pg.Pool {
  let current: string | undefined;
  const timeoutMs = Number(options.connectionTimeoutMillis ?? 3000);

  class WritableClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super(config);
      // A connection lost (the primary died): the next one looks for the writable member again.
      this.on('error', () => (current = undefined));
    }

    // pg.Pool calls connect with a callback; both forms are kept.
    override connect(): Promise<void>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<void> | void {
      const connected = this.#connectWritable();
      if (!callback) return connected;
      connected.then(() => callback(undefined as unknown as Error), callback);
    }

    async #connectWritable(): Promise<void> {
      current ??= await findWritableHost(databaseUrl, timeoutMs);
      const target = new URL(current);
      // pg.Client reads host and port when it connects, not when it is constructed.
      Object.assign(this, { host: target.hostname, port: Number(target.port) });
      const { connectionParameters } = this as unknown as { connectionParameters: DatabaseHost };
      Object.assign(connectionParameters, { host: target.hostname, port: Number(target.port) });
      try {
        await super.connect();
      } catch (error) {
        current = undefined;
        throw error;
      }
      const { rows } = await super.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery');
      if (rows[0]?.recovery !== false) {
        current = undefined;
        await this.end().catch(() => undefined);
        throw new NoWritableHostError([`${target.host} (in recovery)`]);
      }
    }
  }

  const first = parseMultiHostUrl(databaseUrl);
  return new pg.Pool({
    ...options,
    // Credentials and database of the URL; host and port are chosen per connection.
    connectionString: hostUrl(first, first.hosts[0]!),
    Client: WritableClient,
  });
}
