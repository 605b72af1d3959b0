/**
 * The inventory's local transactions, run inside a saga step's transaction (the caller's
 * client, between BEGIN and COMMIT). Stock rows are always locked in SKU order, so concurrent
 * reservations and releases of the same SKUs queue up instead of deadlocking; `available` never
 * goes below zero (the UPDATE's condition, and the table's CHECK behind it).
 */
import type pg from 'pg';

/** A line of an order, as far as the inventory cares. */
export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
}

/** What a reservation did. */
export type ReserveResult =
  | { readonly kind: 'reserved'; readonly lines: readonly OrderLine[] }
  | { readonly kind: 'insufficient'; readonly sku: string };

/** Sums quantities per SKU and sorts by SKU: the lock order every statement here uses. */
export function linesBySku(items: readonly OrderLine[]): OrderLine[] {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of items) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  return [...totals]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * Takes the stock-managed lines of `items` off the shelf for `orderId`. Returns `insufficient`
 * naming the first SKU short of stock; the caller must then roll back the lines already taken.
 */
export async function reserveStock(
  client: pg.PoolClient,
  orderId: string,
  items: readonly OrderLine[],
): Promise<ReserveResult> {
  const lines = linesBySku(items);
  const managed = await client.query<{ sku: string }>('SELECT sku FROM stock WHERE sku = ANY($1)', [
    lines.map((l) => l.sku),
  ]);
  const known = new Set(managed.rows.map((r) => r.sku));
  const reserved: OrderLine[] = [];
  for (const line of lines.filter((l) => known.has(l.sku))) {
    const taken = await client.query(
      'UPDATE stock SET available = available - $2, updated_at = now() WHERE sku = $1 AND available >= $2',
      [line.sku, line.quantity],
    );
    if (taken.rowCount !== 1) return { kind: 'insufficient', sku: line.sku };
    await client.query('INSERT INTO stock_reservations (order_id, sku, quantity) VALUES ($1, $2, $3)', [
      orderId,
      line.sku,
      line.quantity,
    ]);
    reserved.push(line);
  }
  return { kind: 'reserved', lines: reserved };
}

/** Puts `orderId`'s reserved lines back on the shelf; returns the lines released (none the second time). */
export async function releaseStock(client: pg.PoolClient, orderId: string): Promise<OrderLine[]> {
  const held = await client.query<OrderLine>(
    "SELECT sku, quantity FROM stock_reservations WHERE order_id = $1 AND status = 'reserved' ORDER BY sku FOR UPDATE",
    [orderId],
  );
  for (const line of held.rows) {
    await client.query('UPDATE stock SET available = available + $2, updated_at = now() WHERE sku = $1', [
      line.sku,
      line.quantity,
    ]);
  }
  await client.query(
    "UPDATE stock_reservations SET status = 'released', updated_at = now() WHERE order_id = $1 AND status = 'reserved'",
    [orderId],
  );
  return held.rows;
}

/** Makes `orderId`'s reservation final: the goods are sold. */
export async function commitStock(client: pg.PoolClient, orderId: string): Promise<void> {
  await client.query(
    "UPDATE stock_reservations SET status = 'committed', updated_at = now() WHERE order_id = $1 AND status = 'reserved'",
    [orderId],
  );
}
