/**
 * The outbox relay on Kafka: publishes unsent outbox rows with an idempotent producer and
 * acks=all, and marks them sent only after every broker in sync acknowledged them, in the
 * transaction that locked them. If a broker or the relay dies in between, the rows stay unsent
 * and are published again later: a record may be duplicated (payment is idempotent), never
 * lost. Each record is keyed by its order id and sent in the trace context of the request that
 * created the order.
 */
import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';
import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from '../shared/logger.ts';

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

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
}

/** See the module comment. */
export class KafkaOutboxRelay {
  readonly #options: KafkaOutboxRelayOptions;
  #producer: Producer | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: KafkaOutboxRelayOptions) {
    this.#options = options;
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
    this.#schedule(0);
  }

  /** Stops polling, waits for the batch in flight, and disconnects. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
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
    const producer = await this.#connected().catch((error: Error) => {
      this.#options.log.warn('outbox relay cannot reach Kafka; rows stay unsent', { error: error.message });
      return undefined;
    });
    if (!producer) return 0;
    const client = await this.#options.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        'SELECT id, topic, message_key, payload, headers FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',
        [this.#options.batchSize ?? 100],
      );
      if (rows.length > 0) {
        for (const row of rows) await this.#publish(producer, row);
        await client.query('UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])', [
          rows.map((row) => row.id),
        ]);
      }
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

  #publish(producer: Producer, row: OutboxRow): Promise<unknown> {
    const parent = propagation.extract(ROOT_CONTEXT, row.headers);
    return context.with(parent, () =>
      producer.send({
        topic: this.#options.topicOf(row.topic),
        acks: -1,
        messages: [{ key: row.message_key, value: JSON.stringify(row.payload) }],
      }),
    );
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
