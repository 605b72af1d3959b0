/**
 * The payment-service's writes to orders. Each update only moves a `pending` order, so a
 * duplicate or redelivered message can never overwrite a final status.
 */
import type pg from 'pg';

/** Status of an order as stored. */
export type StoredStatus = 'pending' | 'paid' | 'failed';

/** The order's current status, or undefined when it does not exist. */
export async function orderStatus(pool: pg.Pool, orderId: string): Promise<StoredStatus | undefined> {
  const result = await pool.query<{ status: StoredStatus }>('SELECT status FROM orders WHERE id = $1', [
    orderId,
  ]);
  return result.rows[0]?.status;
}

/** Marks a pending order paid; returns whether this call changed it. */
export async function markPaid(pool: pg.Pool, orderId: string, chargeId: string): Promise<boolean> {
  const result = await pool.query(
    "UPDATE orders SET status = 'paid', charge_id = $2, updated_at = now() WHERE id = $1 AND status = 'pending'",
    [orderId, chargeId],
  );
  return result.rowCount === 1;
}

/** Marks a pending order failed with `reason`; returns whether this call changed it. */
export async function markFailed(pool: pg.Pool, orderId: string, reason: string): Promise<boolean> {
  const result = await pool.query(
    "UPDATE orders SET status = 'failed', failure_reason = $2, updated_at = now() WHERE id = $1 AND status = 'pending'",
    [orderId, reason],
  );
  return result.rowCount === 1;
}
