/**
 * PostgreSQL access: the pool every service uses, and creating the database when it is
 * missing so `npm run demo` works on a fresh machine.
 */
import pg from 'pg';
import { createFailoverPool, findWritableHost, isMultiHost } from './failoverPool.ts';

/**
 * A pool on `databaseUrl`, with a short connect timeout so readiness fails fast. A URL naming
 * several hosts (`postgres://u@h1:p1,h2:p2/db`) gets a pool whose connections go to the
 * writable one, and follow it through a failover (failoverPool.ts).
 */
export function createPool(databaseUrl: string, max = 10): pg.Pool {
  const settings = { max, connectionTimeoutMillis: 3000 };
  const pool = isMultiHost(databaseUrl)
    ? createFailoverPool(databaseUrl, settings)
    : new pg.Pool({ connectionString: databaseUrl, ...settings });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Creates the database named in `databaseUrl` if it does not exist yet. */
export async function ensureDatabase(multiHostUrl: string): Promise<void> {
  const databaseUrl = isMultiHost(multiHostUrl) ? await findWritableHost(multiHostUrl) : multiHostUrl;
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        // Another starter created it between our check and our CREATE.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/** Drops the database named in `databaseUrl` (tests), closing its other connections first. */
export async function dropDatabase(multiHostUrl: string): Promise<void> {
  const databaseUrl = isMultiHost(multiHostUrl) ? await findWritableHost(multiHostUrl) : multiHostUrl;
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
