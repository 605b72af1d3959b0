/**
 * Reading orders for people watching the system (the demo console): the latest orders, any
 * status, each with its status history and the trace it was created in. The store keeps one row
 * per order, so the history is what that row records: `pending` when it was created and, once
 * payment completed, the final status when it was last updated. The trace is the one whose
 * context the outbox row carries (the request that created the order).
 */
import type pg from 'pg';
import type { OrderStatus } from './orderStore.ts';

/** Most orders one listing returns. */
export const MAX_LISTED_ORDERS = 100;

/** One step of an order's history. */
export interface StatusChange {
  readonly status: OrderStatus;
  readonly at: string;
  readonly failureReason?: string;
}

/** An order as the listing shows it. */
export interface ListedOrder {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly customerId: string;
  readonly amountCents: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly failureReason?: string;
  /** The trace the order was created in, when its outbox row carried one. */
  readonly traceId?: string;
  readonly history: readonly StatusChange[];
}

/** What a listing asks for. */
export interface ListQuery {
  readonly status?: OrderStatus;
  /** 1..{@link MAX_LISTED_ORDERS}. */
  readonly limit: number;
}

interface ListedRow {
  id: string;
  status: OrderStatus;
  customer_id: string;
  amount_cents: string;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
  traceparent: string | null;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The history one order row records. Pure. */
export function historyOf(row: {
  status: OrderStatus;
  createdAt: string;
  updatedAt: string;
  failureReason?: string;
}): StatusChange[] {
  const created: StatusChange = { status: 'pending', at: row.createdAt };
  if (row.status === 'pending') return [created];
  const final = { status: row.status, at: row.updatedAt };
  return [created, row.failureReason === undefined ? final : { ...final, failureReason: row.failureReason }];
}

function toListed(row: ListedRow): ListedOrder {
  const base = {
    orderId: row.id,
    status: row.status,
    customerId: row.customer_id,
    amountCents: Number(row.amount_cents),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.failure_reason === null ? {} : { failureReason: row.failure_reason }),
  };
  const traceId = TRACEPARENT.exec(row.traceparent ?? '')?.[1];
  return { ...base, ...(traceId ? { traceId } : {}), history: historyOf(base) };
}

// The orders are picked first (newest first, by the status index when filtered), then joined to
// their outbox rows in one pass.
const SELECT = `
  WITH picked AS (
    SELECT id, status, customer_id, amount_cents, failure_reason, created_at, updated_at
    FROM orders WHERE ($1::text IS NULL OR status = $1::text) AND ($3::uuid IS NULL OR id = $3::uuid)
    ORDER BY created_at DESC LIMIT $2
  )
  SELECT picked.*, outbox.headers->>'traceparent' AS traceparent
  FROM picked LEFT JOIN outbox ON outbox.message_key = picked.id::text
  ORDER BY picked.created_at DESC`;

/** The latest orders, newest first. */
export async function listOrders(db: pg.Pool, query: ListQuery): Promise<ListedOrder[]> {
  const limit = Math.min(Math.max(1, Math.trunc(query.limit)), MAX_LISTED_ORDERS);
  const result = await db.query<ListedRow>(SELECT, [query.status ?? null, limit, null]);
  return result.rows.map(toListed);
}

/** One order as the listing shows it; undefined when unknown. `orderId` must be a UUID. */
export async function listedOrder(db: pg.Pool, orderId: string): Promise<ListedOrder | undefined> {
  const result = await db.query<ListedRow>(SELECT, [null, 1, orderId]);
  const row = result.rows[0];
  return row ? toListed(row) : undefined;
}
