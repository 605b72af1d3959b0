/** The demo's live progress line, read from PostgreSQL (the source of truth for orders). */
import type pg from 'pg';

/** Orders by status. */
export interface Progress {
  placed: number;
  paid: number;
  pending: number;
  failed: number;
}

/** Counts orders by status; undefined when the table does not exist yet or PostgreSQL is down. */
export async function readProgress(pool: pg.Pool): Promise<Progress | undefined> {
  try {
    const { rows } = await pool.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM orders GROUP BY status',
    );
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const paid = by.paid ?? 0;
    const pending = by.pending ?? 0;
    const failed = by.failed ?? 0;
    return { placed: paid + pending + failed, paid, pending, failed };
  } catch {
    return undefined;
  }
}

/** One line for the terminal. */
export function formatProgress(progress: Progress | undefined): string {
  if (!progress) return 'orders: (database not reachable)';
  const { placed, paid, pending, failed } = progress;
  return `orders placed ${placed} | paid ${paid} | pending ${pending} | failed ${failed}`;
}
