/**
 * The outbox relay on RabbitMQ: publishes unsent outbox rows on a confirm channel and marks
 * them sent only after the broker confirmed them, in the transaction that locked them
 * (`outboxBatch.ts`). If the broker or the relay dies in between, the rows stay unsent and are
 * published again later: a message may be duplicated (payment is idempotent), never lost.
 */
import { context } from '@opentelemetry/api';
import type { ConfirmChannel } from 'amqplib';
import type pg from 'pg';
import { AmqpSession } from '../shared/amqpSession.ts';
import type { Logger } from '../shared/logger.ts';
import { openTopologyChannel, type Topology } from '../shared/topology.ts';
import { OutboxPoller, relayOutboxBatch, rowContext, type OutboxRow } from './outboxBatch.ts';

/** Options of an {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  pool: pg.Pool;
  amqpUrl: string;
  topology: Topology;
  pollMs: number;
  batchSize?: number;
  log: Logger;
}

/** See the module comment. */
export class OutboxRelay {
  readonly #options: OutboxRelayOptions;
  readonly #session: AmqpSession;
  readonly #poller: OutboxPoller;
  #channel: ConfirmChannel | undefined;

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
    this.#poller = new OutboxPoller(() => this.relayOnce(), options.pollMs);
  }

  /** Whether the relay can publish right now. */
  get connected(): boolean {
    return this.#channel !== undefined;
  }

  /** Starts connecting and polling. */
  start(): void {
    this.#session.start();
    this.#poller.start();
  }

  /** Stops polling, waits for the batch in flight, and disconnects. */
  async stop(): Promise<void> {
    await this.#poller.stop();
    await this.#session.close();
  }

  /** Publishes one batch; returns how many rows it marked sent. Exposed for tests. */
  async relayOnce(): Promise<number> {
    const channel = this.#channel;
    if (!channel) return 0;
    const { pool, batchSize, log } = this.#options;
    return relayOutboxBatch(
      pool,
      batchSize ?? 100,
      async (rows) => {
        for (const row of rows) this.#publish(channel, row);
        await channel.waitForConfirms();
      },
      log,
    );
  }

  #publish(channel: ConfirmChannel, row: OutboxRow): void {
    context.with(rowContext(row), () => {
      channel.publish(this.#options.topology.exchange, row.topic, Buffer.from(JSON.stringify(row.payload)), {
        persistent: true,
        contentType: 'application/json',
        messageId: row.message_key,
        timestamp: Math.floor(Date.now() / 1000),
      });
    });
  }
}
