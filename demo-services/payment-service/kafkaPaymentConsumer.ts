/**
 * payment-service's consumer of `orders.created` on Kafka, in consumer group `payment-service`,
 * with the guarantees of the RabbitMQ consumer:
 * - Offsets are committed by hand, one record at a time, only after the order's saga has run
 *   as far as it can (saga/orderSaga.ts) or the record is dead-lettered. A consumer that dies mid-record leaves its offset
 *   uncommitted; the group moves its partitions to another member, which reads the record
 *   again, and the provider's idempotency key (the order id) charges it once.
 * - A provider that is down or behind an open breaker is retried in place, the record held (no
 *   unbounded buffer: one record per partition at a time), after `redeliveryDelayMs`, up to
 *   `maxDeliveries` delayed deliveries; then the order fails (its stock released) and the record is dead-lettered.
 * - Poison records and unknown orders go to the dead-letter topic (acks=all) before their
 *   offset is committed. A PostgreSQL failure throws, so kafkajs delivers the record again.
 */
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import { z } from 'zod';
import type { OrderSaga } from '../saga/orderSaga.ts';
import { deadLettersCounter } from '../shared/demoMetrics.ts';
import type { KafkaTopics } from '../shared/kafkaTopics.ts';
import type { Logger } from '../shared/logger.ts';

/** The consumer group of payment-service. */
export const PAYMENT_GROUP = 'payment-service';

/** Header on a dead-lettered record saying why. */
export const DEAD_LETTER_REASON_HEADER = 'x-dead-letter-reason';

const messageSchema = z.object({
  orderId: z.string().uuid(),
  amountCents: z.number().int().nonnegative(),
  paymentToken: z.string().min(1),
});

/** Options of a {@link KafkaPaymentConsumer}. */
export interface KafkaPaymentConsumerOptions {
  kafka: Kafka;
  topics: KafkaTopics;
  /** Consumer group (default `payment-service`). */
  groupId?: string;
  /** Runs the order's saga (stock, payment, compensation) for each record. */
  saga: OrderSaga;
  redeliveryDelayMs: number;
  /** Session timeout: how long a silent member keeps its partitions (default 10 s). */
  sessionTimeoutMs?: number;
  log: Logger;
}

/** See the module comment. */
export class KafkaPaymentConsumer {
  readonly #options: KafkaPaymentConsumerOptions;
  readonly #consumer: Consumer;
  readonly #deadLetters: Producer;
  #stopped = false;

  constructor(options: KafkaPaymentConsumerOptions) {
    this.#options = options;
    const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
    this.#consumer = options.kafka.consumer({
      groupId: options.groupId ?? PAYMENT_GROUP,
      sessionTimeout,
      // A member that does not rejoin within this is left out of the new assignment.
      rebalanceTimeout: sessionTimeout * 2,
      heartbeatInterval: Math.max(100, Math.floor(sessionTimeout / 5)),
      // Held records are bounded by partitions, not by what the broker could send ahead.
      maxBytesPerPartition: 256 * 1024,
      // After a crash kafkajs restarts the consumer, unless this instance was stopped meanwhile.
      retry: { restartOnFailure: async () => !this.#stopped },
    });
    this.#deadLetters = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  /** Connects, joins the group and starts consuming. */
  async start(): Promise<void> {
    await this.#deadLetters.connect();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#options.topics.orders, fromBeginning: true });
    await this.#consumer.run({ autoCommit: false, eachMessage: (payload) => this.#handle(payload) });
  }

  /** Leaves the group (its partitions move to the other members) and disconnects. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#consumer.disconnect().catch(() => undefined);
    await this.#deadLetters.disconnect().catch(() => undefined);
  }

  async #handle(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    await this.#process(payload);
    // The next offset to read; committed only now that the order (or the dead letter) is written.
    const next = String(Number(message.offset) + 1);
    await this.#consumer.commitOffsets([{ topic, partition, offset: next }]).catch((error: Error) => {
      // This member lost the partition while processing: its new owner reads the record again
      // (and finds the order no longer pending). Throwing would only crash and restart us.
      if (!isRebalance(error)) throw error;
      this.#options.log.warn('offset not committed: partition reassigned meanwhile', {
        partition,
        offset: message.offset,
      });
    });
  }

  async #process(payload: EachMessagePayload): Promise<void> {
    const parsed = messageSchema.safeParse(parseJson(payload.message.value));
    if (!parsed.success) return this.#deadLetter(payload, 'poison');
    for (let deliveries = 0; ;) {
      const outcome = await this.#options.saga.run(parsed.data, deliveries);
      if (outcome.kind === 'finished') return;
      if (outcome.kind === 'dead-letter') return this.#deadLetter(payload, outcome.reason);
      deliveries = outcome.deliveries;
      await this.#wait(payload);
    }
  }

  /** Waits `redeliveryDelayMs` holding the record, telling the group this member is alive. */
  async #wait(payload: EachMessagePayload): Promise<void> {
    const until = Date.now() + this.#options.redeliveryDelayMs;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, until - Date.now())));
      await payload.heartbeat();
    }
  }

  async #deadLetter({ message, partition }: EachMessagePayload, reason: string): Promise<void> {
    await this.#deadLetters.send({
      topic: this.#options.topics.deadLetter,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: { ...message.headers, [DEAD_LETTER_REASON_HEADER]: reason },
        },
      ],
    });
    deadLettersCounter().inc({ reason });
    this.#options.log.warn('record dead-lettered', { reason, partition, offset: message.offset });
  }
}

const REBALANCE_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR_FOR_GROUP',
]);

function isRebalance(error: unknown): boolean {
  const type = (error as { type?: string; originalError?: { type?: string } }).type;
  const cause = (error as { originalError?: { type?: string } }).originalError?.type;
  return (
    REBALANCE_ERRORS.has(type ?? '') ||
    REBALANCE_ERRORS.has(cause ?? '') ||
    (error as Error).name === 'KafkaJSRebalanceInProgress'
  );
}

function parseJson(content: Buffer | null): unknown {
  try {
    return content === null ? undefined : JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
}
