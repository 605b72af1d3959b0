/**
 * The saga's state in PostgreSQL (`sagas`, `saga_steps`; migrations/002_order_saga.sql). A step
 * runs in one transaction that first moves the saga row out of the state the step starts from:
 * that row lock serializes two instances handling duplicates of one message, and a step whose
 * state has already moved on does nothing. The step's effects, the new state and the step's
 * log row commit together, so a crash leaves the saga exactly before or exactly after a step.
 */
import type pg from 'pg';
import type { OrderLine } from './inventory.ts';
import {
  IN_FLIGHT_STATES,
  ORDER_SAGA,
  stateFromRow,
  type SagaState,
  type SagaStateName,
  type SagaStep,
} from './sagaState.ts';

/** A saga as loaded for its next step. */
export interface LoadedSaga {
  readonly state: SagaState;
  /** The order's lines, which the inventory steps reserve and release. */
  readonly items: readonly OrderLine[];
  /** Whether this load created the saga (the order's first message). */
  readonly started: boolean;
}

/** What loading found. */
export type LoadResult =
  | { readonly kind: 'saga'; readonly saga: LoadedSaga }
  | { readonly kind: 'unknown-order' }
  /** The order was settled before it had a saga (written before the saga existed). */
  | { readonly kind: 'settled-without-saga' };

/** What running a step did. */
export type StepResult =
  | { readonly kind: 'moved'; readonly to: SagaState }
  /** Another instance ran the step (or a later one) first; nothing changed here. */
  | { readonly kind: 'already-moved' };

/**
 * The saga of `orderId`, created in `started` when the order is pending and has none yet.
 */
export async function loadSaga(pool: pg.Pool, orderId: string): Promise<LoadResult> {
  const created = await pool.query(
    `INSERT INTO sagas (order_id, name, state)
     SELECT id, $2, 'started' FROM orders WHERE id = $1 AND status = 'pending'
     ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
    [orderId, ORDER_SAGA],
  );
  const { rows } = await pool.query<{ state: string | null; reason: string | null; items: OrderLine[] }>(
    'SELECT s.state, s.reason, o.items FROM orders o LEFT JOIN sagas s ON s.order_id = o.id WHERE o.id = $1',
    [orderId],
  );
  const row = rows[0];
  if (!row) return { kind: 'unknown-order' };
  if (row.state === null) return { kind: 'settled-without-saga' };
  return {
    kind: 'saga',
    saga: {
      state: stateFromRow({ state: row.state, reason: row.reason }),
      items: row.items,
      started: created.rowCount === 1,
    },
  };
}

/**
 * Runs `step` of `orderId`'s saga from state `from`: `work` does the step's effects on the
 * transaction's client and returns the state to move to. Rolls back and rethrows on any error.
 */
export async function runStep(
  pool: pg.Pool,
  orderId: string,
  from: SagaStateName,
  step: SagaStep,
  work: (client: pg.PoolClient) => Promise<SagaState>,
): Promise<StepResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const locked = await client.query('SELECT 1 FROM sagas WHERE order_id = $1 AND state = $2 FOR UPDATE', [
      orderId,
      from,
    ]);
    if (locked.rowCount !== 1) {
      await client.query('ROLLBACK');
      return { kind: 'already-moved' };
    }
    const to = await work(client);
    await client.query('UPDATE sagas SET state = $2, reason = $3, updated_at = now() WHERE order_id = $1', [
      orderId,
      to.state,
      'reason' in to ? to.reason : null,
    ]);
    await client.query('INSERT INTO saga_steps (order_id, step) VALUES ($1, $2)', [orderId, step]);
    await client.query('COMMIT');
    return { kind: 'moved', to };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Sagas under way whose last step is older than `olderThanMs`. */
export async function countStuck(pool: pg.Pool, olderThanMs: number): Promise<number> {
  const { rows } = await pool.query<{ count: string }>(
    `SELECT count(*) FROM sagas
      WHERE state = ANY($1) AND updated_at < now() - $2 * interval '1 millisecond'`,
    [IN_FLIGHT_STATES, olderThanMs],
  );
  return Number(rows[0]?.count ?? 0);
}
