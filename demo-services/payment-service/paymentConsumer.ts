/**
 * One payment-service consumer of `orders.created`: manual acknowledgement, bounded prefetch,
 * and an ack only after the order's saga has run as far as it can (saga/orderSaga.ts), so a
 * crash mid-processing leaves the message unacknowledged and the broker redelivers it (to this
 * instance after a restart, or to another), and the saga resumes from its stored state. Poison messages are rejected without requeue and dead-letter to `orders.dlx`.
 */
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { z } from 'zod';
import { AmqpSession } from '../shared/amqpSession.ts';
import { deadLettersCounter } from '../shared/demoMetrics.ts';
import type { Logger } from '../shared/logger.ts';
import { openTopologyChannel, type Topology } from '../shared/topology.ts';
import type { OrderSaga } from '../saga/orderSaga.ts';

/** Header counting delayed redeliveries of a message. */
export const DELIVERIES_HEADER = 'x-payment-deliveries';

const messageSchema = z.object({
  orderId: z.string().uuid(),
  amountCents: z.number().int().nonnegative(),
  paymentToken: z.string().min(1),
});

/** Options of a {@link PaymentConsumer}. */
export interface PaymentConsumerOptions {
  amqpUrl: string;
  topology: Topology;
  prefetch: number;
  /** Runs the order's saga (stock, payment, compensation) for each message. */
  saga: OrderSaga;
  redeliveryDelayMs: number;
  log: Logger;
}

/** See the module comment. */
export class PaymentConsumer {
  readonly #options: PaymentConsumerOptions;
  readonly #session: AmqpSession;
  #channel: ConfirmChannel | undefined;

  constructor(options: PaymentConsumerOptions) {
    this.#options = options;
    this.#session = new AmqpSession({
      url: options.amqpUrl,
      log: options.log,
      setup: async (connection) => {
        const channel = await openTopologyChannel(connection, options.topology, (closed) => {
          if (this.#channel === closed) this.#channel = undefined;
        });
        await channel.prefetch(options.prefetch);
        await channel.consume(options.topology.queue, (message) => {
          if (message) void this.#handle(channel, message);
        });
        this.#channel = channel;
      },
    });
  }

  /** Whether the consumer is attached to the queue. */
  get connected(): boolean {
    return this.#channel !== undefined;
  }

  /** Connects and starts consuming. */
  start(): void {
    this.#session.start();
  }

  /** Disconnects; unacknowledged messages go back to the queue. */
  async stop(): Promise<void> {
    await this.#session.close();
  }

  async #handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const deliveries = Number(message.properties.headers?.[DELIVERIES_HEADER] ?? 0);
    try {
      const parsed = messageSchema.safeParse(parseJson(message.content));
      if (!parsed.success) return this.#deadLetter(channel, message, 'poison');
      const outcome = await this.#options.saga.run(parsed.data, deliveries);
      switch (outcome.kind) {
        case 'finished':
          channel.ack(message);
          return;
        case 'retry-later':
          return await this.#redeliverLater(channel, message, outcome.deliveries);
        case 'dead-letter':
          return this.#deadLetter(channel, message, outcome.reason);
      }
    } catch (error) {
      // PostgreSQL or the channel failed: give the message back rather than guess.
      this.#options.log.warn('payment processing failed; message will be redelivered', {
        error: (error as Error).message,
      });
      await this.#redeliverLater(channel, message, deliveries).catch(() =>
        safely(() => channel.nack(message, false, true)),
      );
    }
  }

  /** Parks the message in the retry queue for `redeliveryDelayMs`, then acknowledges the original. */
  async #redeliverLater(channel: ConfirmChannel, message: ConsumeMessage, deliveries: number): Promise<void> {
    const { topology, redeliveryDelayMs } = this.#options;
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        '',
        topology.retryQueue,
        message.content,
        {
          ...message.properties,
          persistent: true,
          expiration: String(redeliveryDelayMs),
          headers: { ...message.properties.headers, [DELIVERIES_HEADER]: deliveries },
        },
        (error) => (error ? reject(error) : resolve()),
      );
    });
    channel.ack(message);
  }

  #deadLetter(channel: ConfirmChannel, message: ConsumeMessage, reason: string): void {
    deadLettersCounter().inc({ reason });
    this.#options.log.warn('message dead-lettered', { reason, messageId: message.properties.messageId });
    channel.nack(message, false, false);
  }
}

function parseJson(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // the channel is gone; the broker requeues the message itself
  }
}
