/**
 * What every outbox relay does whatever the bus: lock a batch of unsent rows (`FOR UPDATE SKIP
 * LOCKED`, so several relays can share the table), hand them to the bus, and mark them sent in
 * the same transaction only once the bus acknowledged them; poll again at once after a full
 * batch, after `pollMs` otherwise. A failure rolls the batch back: its rows stay unsent and are
 * published again later (a duplicate at worst, never a loss).
 */
import { ROOT_CONTEXT, propagation, type Context } from '@opentelemetry/api';
import type pg from 'pg';
import type { Logger } from '../shared/logger.ts';

/** One unsent outbox row. */
export interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
}

/** The trace context of the request that wrote `row`: its publish continues that trace. */
export function rowContext(row: OutboxRow): Context {
  return propagation.extract(ROOT_CONTEXT, row.headers);
}

/**
 * Locks up to `batchSize` unsent rows, awaits `publish(rows)` (which resolves once the bus
 * acknowledged every one), then marks them sent. Returns how many it marked; 0, logged, when
 * anything failed.
 */
export async function relayOutboxBatch(
  pool: pg.Pool,
  batchSize: number,
  publish: (rows: readonly OutboxRow[]) => Promise<void>,
  log: Logger,
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<OutboxRow>(
      'SELECT id, topic, message_key, payload, headers FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',
      [batchSize],
    );
    if (rows.length > 0) {
      await publish(rows);
      await client.query('UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])', [
        rows.map((row) => row.id),
      ]);
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    log.warn('outbox relay batch failed; rows stay unsent', { error: (error as Error).message });
    return 0;
  } finally {
    client.release();
  }
}

/** Runs a relay's `relayOnce` in a loop until stopped: at once after rows were sent, else after `pollMs`. */
export class OutboxPoller {
  readonly #relayOnce: () => Promise<number>;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(relayOnce: () => Promise<number>, pollMs: number) {
    this.#relayOnce = relayOnce;
    this.#pollMs = pollMs;
  }

  /** Starts polling. */
  start(): void {
    this.#schedule(0);
  }

  /** Stops polling and waits for the batch in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#relayOnce().then(
        (sent) => this.#schedule(sent > 0 ? 0 : this.#pollMs),
        () => this.#schedule(this.#pollMs),
      );
    }, delayMs);
  }
}
