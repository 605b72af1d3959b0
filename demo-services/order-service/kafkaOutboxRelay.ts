/**
 * The outbox relay on Kafka: publishes unsent outbox rows with an idempotent producer and
 * acks=all, and marks them sent only after every broker in sync acknowledged them, in the
 * transaction that locked them (`outboxBatch.ts`). If a broker or the relay dies in between,
 * the rows stay unsent and are published again later: a record may be duplicated (payment is
 * idempotent), never lost. Each record is keyed by its order id and sent in the trace context
 * of the request that created the order.
 */
import { context } from '@opentelemetry/api';
import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from '../shared/logger.ts';
import { OutboxPoller, relayOutboxBatch, rowContext, type OutboxRow } from './outboxBatch.ts';

/** Options of a {@link KafkaOutboxRelay}. */
export interface KafkaOutboxRelayOptions {
  pool: pg.Pool;
  kafka: Kafka;
  /** Kafka topic of the rows whose outbox topic is `orders.created`. */
  topicOf: (outboxTopic: string) => string;
  pollMs: number;
  batchSize?: number;
  log: Logger;
}

/** See the module comment. */
export class KafkaOutboxRelay {
  readonly #options: KafkaOutboxRelayOptions;
  readonly #poller: OutboxPoller;
  #producer: Producer | undefined;

  constructor(options: KafkaOutboxRelayOptions) {
    this.#options = options;
    this.#poller = new OutboxPoller(() => this.relayOnce(), options.pollMs);
  }

  /**
   * Whether the producer has connected once. kafkajs reconnects it by itself, so a broker
   * outage does not make the service unready: orders are still accepted into the outbox.
   */
  get connected(): boolean {
    return this.#producer !== undefined;
  }

  /** Starts polling (each poll connects the producer first if it is not yet). */
  start(): void {
    this.#poller.start();
  }

  /** Stops polling, waits for the batch in flight, and disconnects. */
  async stop(): Promise<void> {
    await this.#poller.stop();
    await this.#producer?.disconnect().catch(() => undefined);
    this.#producer = undefined;
  }

  async #connected(): Promise<Producer> {
    if (this.#producer) return this.#producer;
    const producer = this.#options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect().catch(async (error: unknown) => {
      await producer.disconnect().catch(() => undefined);
      throw error;
    });
    this.#producer = producer;
    return producer;
  }

  /** Publishes one batch; returns how many rows it marked sent. Exposed for tests. */
  async relayOnce(): Promise<number> {
    const { pool, batchSize, log } = this.#options;
    const producer = await this.#connected().catch((error: Error) => {
      log.warn('outbox relay cannot reach Kafka; rows stay unsent', { error: error.message });
      return undefined;
    });
    if (!producer) return 0;
    return relayOutboxBatch(
      pool,
      batchSize ?? 100,
      async (rows) => {
        for (const row of rows) await this.#publish(producer, row);
      },
      log,
    );
  }

  #publish(producer: Producer, row: OutboxRow): Promise<unknown> {
    return context.with(rowContext(row), () =>
      producer.send({
        topic: this.#options.topicOf(row.topic),
        acks: -1,
        messages: [{ key: row.message_key, value: JSON.stringify(row.payload) }],
      }),
    );
  }
}
