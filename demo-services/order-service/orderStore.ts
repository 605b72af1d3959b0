/**
 * Orders in PostgreSQL. Creating one writes the order, its idempotency record and its outbox
 * row in one transaction, so an accepted order is always eventually published, and a repeated
 * key never creates a second order.
 */
import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import type pg from 'pg';
import { amountCents, requestHash, type OrderRequest } from '../shared/orderRequest.ts';

/** Status of an order. */
export type OrderStatus = 'pending' | 'paid' | 'failed';

/** An order as the API shows it. */
export interface OrderView {
  orderId: string;
  status: OrderStatus;
  customerId: string;
  items: OrderRequest['items'];
  amountCents: number;
  failureReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** The message published for every new order. */
export interface OrderCreatedMessage {
  orderId: string;
  customerId: string;
  amountCents: number;
  paymentToken: string;
}

/** What creating an order did. */
export type CreateResult =
  | { kind: 'created'; order: OrderView }
  | { kind: 'existing'; order: OrderView }
  | { kind: 'key-reused-with-different-body' };

interface OrderRow {
  id: string;
  status: OrderStatus;
  customer_id: string;
  items: OrderRequest['items'];
  amount_cents: string;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

function toView(row: OrderRow): OrderView {
  return {
    orderId: row.id,
    status: row.status,
    customerId: row.customer_id,
    items: row.items,
    amountCents: Number(row.amount_cents),
    ...(row.failure_reason === null ? {} : { failureReason: row.failure_reason }),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Reads one order; undefined when unknown. */
export async function findOrder(
  db: pg.Pool | pg.PoolClient,
  orderId: string,
): Promise<OrderView | undefined> {
  const result = await db.query<OrderRow>('SELECT * FROM orders WHERE id = $1', [orderId]);
  const row = result.rows[0];
  return row ? toView(row) : undefined;
}

/**
 * Creates the order for `key`, or returns the order already created for it. The idempotency
 * row is inserted first: a concurrent request with the same key blocks on its unique index
 * until this transaction ends, then finds the committed order.
 */
export async function createOrder(
  pool: pg.Pool,
  key: string,
  request: OrderRequest,
  topic: string,
): Promise<CreateResult> {
  const hash = requestHash(request);
  const orderId = randomUUID();
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const claimed = await client.query(
      'INSERT INTO idempotency_keys (key, request_hash, order_id) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING RETURNING order_id',
      [key, hash, orderId],
    );
    if (claimed.rowCount === 0) {
      await client.query('ROLLBACK');
      return await existingFor(client, key, hash);
    }
    const total = amountCents(request);
    const inserted = await client.query<OrderRow>(
      'INSERT INTO orders (id, customer_id, items, amount_cents, payment_token) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [orderId, request.customerId, JSON.stringify(request.items), total, request.paymentToken],
    );
    const message: OrderCreatedMessage = {
      orderId,
      customerId: request.customerId,
      amountCents: total,
      paymentToken: request.paymentToken,
    };
    // The trace context of this request travels with the row, so the relay publishes in it.
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    await client.query('INSERT INTO outbox (topic, message_key, payload, headers) VALUES ($1, $2, $3, $4)', [
      topic,
      orderId,
      JSON.stringify(message),
      JSON.stringify(headers),
    ]);
    await client.query('COMMIT');
    return { kind: 'created', order: toView(inserted.rows[0] as OrderRow) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function existingFor(client: pg.PoolClient, key: string, hash: string): Promise<CreateResult> {
  const found = await client.query<{ request_hash: string; order_id: string }>(
    'SELECT request_hash, order_id FROM idempotency_keys WHERE key = $1',
    [key],
  );
  const record = found.rows[0];
  if (!record) throw new Error(`Idempotency key ${key} conflicted but its record is gone`);
  if (record.request_hash !== hash) return { kind: 'key-reused-with-different-body' };
  const order = await findOrder(client, record.order_id);
  if (!order) throw new Error(`Order ${record.order_id} of idempotency key ${key} is missing`);
  return { kind: 'existing', order };
}
