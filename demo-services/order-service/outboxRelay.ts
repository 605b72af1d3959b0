/**
 * The outbox relay: publishes unsent outbox rows to RabbitMQ on a confirm channel and marks
 * them sent only after the broker confirmed them, in the transaction that locked them. If the
 * broker or the relay dies in between, the rows stay unsent and are published again later:
 * a message may be duplicated (payment is idempotent), never lost. `FOR UPDATE SKIP LOCKED`
 * lets several relays share the table.
 */
import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { ConfirmChannel } from 'amqplib';
import type pg from 'pg';
import { AmqpSession } from '../shared/amqpSession.ts';
import type { Logger } from '../shared/logger.ts';
import { openTopologyChannel, type Topology } from '../shared/topology.ts';

/** Options of an {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  pool: pg.Pool;
  amqpUrl: string;
  topology: Topology;
  pollMs: number;
  batchSize?: number;
  log: Logger;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
}

/** See the module comment. */
export class OutboxRelay {
  readonly #options: OutboxRelayOptions;
  readonly #session: AmqpSession;
  #channel: ConfirmChannel | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: OutboxRelayOptions) {
    this.#options = options;
    this.#session = new AmqpSession({
      url: options.amqpUrl,
      log: options.log,
      setup: async (connection) => {
        const channel = await openTopologyChannel(connection, options.topology, (closed) => {
          if (this.#channel === closed) this.#channel = undefined;
        });
        this.#channel = channel;
      },
    });
  }

  /** Whether the relay can publish right now. */
  get connected(): boolean {
    return this.#channel !== undefined;
  }

  /** Starts connecting and polling. */
  start(): void {
    this.#session.start();
    this.#schedule(0);
  }

  /** Stops polling, waits for the batch in flight, and disconnects. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await this.#session.close();
  }

  /** Publishes one batch; returns how many rows it marked sent. Exposed for tests. */
  async relayOnce(): Promise<number> {
    const channel = this.#channel;
    if (!channel) return 0;
    const client = await this.#options.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        'SELECT id, topic, message_key, payload, headers FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',
        [this.#options.batchSize ?? 100],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      for (const row of rows) this.#publish(channel, row);
      await channel.waitForConfirms();
      await client.query('UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])', [
        rows.map((row) => row.id),
      ]);
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      this.#options.log.warn('outbox relay batch failed; rows stay unsent', {
        error: (error as Error).message,
      });
      return 0;
    } finally {
      client.release();
    }
  }

  #publish(channel: ConfirmChannel, row: OutboxRow): void {
    const parent = propagation.extract(ROOT_CONTEXT, row.headers);
    context.with(parent, () => {
      channel.publish(this.#options.topology.exchange, row.topic, Buffer.from(JSON.stringify(row.payload)), {
        persistent: true,
        contentType: 'application/json',
        messageId: row.message_key,
        timestamp: Math.floor(Date.now() / 1000),
      });
    });
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.relayOnce().then(
        (sent) => this.#schedule(sent > 0 ? 0 : this.#options.pollMs),
        () => this.#schedule(this.#options.pollMs),
      );
    }, delayMs);
  }
}
