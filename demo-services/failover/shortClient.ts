/**
 * One short-lived PostgreSQL connection for a health check or a probe: connect, query and
 * connection bounded by `timeoutMs`, always closed, its late errors swallowed (a member being
 * killed must not crash the supervisor).
 */
import pg from 'pg';

/** Runs `use` on a fresh client to `url` and closes it, whatever happens. */
export async function withClient<T>(
  url: string,
  timeoutMs: number,
  use: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
