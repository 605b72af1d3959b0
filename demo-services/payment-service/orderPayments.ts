/**
 * The payment-service's writes to orders. Each update only moves a `pending` order, so a
 * duplicate or redelivered message can never overwrite a final status.
 */
import type pg from 'pg';

/** A pool, or the client of a transaction the write joins. */
type Queryable = pg.Pool | pg.PoolClient;

/** Marks a pending order paid; returns whether this call changed it. */
export async function markPaid(pool: Queryable, orderId: string, chargeId: string): Promise<boolean> {
  const result = await pool.query(
    "UPDATE orders SET status = 'paid', charge_id = $2, updated_at = now() WHERE id = $1 AND status = 'pending'",
    [orderId, chargeId],
  );
  return result.rowCount === 1;
}

/** Marks a pending order failed with `reason`; returns whether this call changed it. */
export async function markFailed(pool: Queryable, orderId: string, reason: string): Promise<boolean> {
  const result = await pool.query(
    "UPDATE orders SET status = 'failed', failure_reason = $2, updated_at = now() WHERE id = $1 AND status = 'pending'",
    [orderId, reason],
  );
  return result.rowCount === 1;
}
