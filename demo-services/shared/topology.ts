/**
 * The RabbitMQ names the demo relies on (other engineers' rules and dashboards use them), and
 * declaring them. Every name takes an optional prefix so tests never share queues with the demo.
 */
import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';

/** Exchanges, queues and routing key of the order flow. */
export interface Topology {
  /** Topic exchange orders are published to. */
  readonly exchange: string;
  readonly routingKey: string;
  /** Queue the payment-service instances consume. */
  readonly queue: string;
  /** Dead-letter exchange of `queue`. */
  readonly deadLetterExchange: string;
  /** Where poison messages and exhausted retries end. */
  readonly deadLetterQueue: string;
  /** Holding queue for delayed redelivery: messages expire back into `exchange`. */
  readonly retryQueue: string;
}

/** The topology, with `prefix` in front of every exchange and queue name. */
export function topology(prefix = ''): Topology {
  return {
    exchange: `${prefix}orders`,
    routingKey: 'orders.created',
    queue: `${prefix}orders.created`,
    deadLetterExchange: `${prefix}orders.dlx`,
    deadLetterQueue: `${prefix}orders.created.dlq`,
    retryQueue: `${prefix}orders.created.retry`,
  };
}

/** Declares every exchange, queue and binding (idempotent). */
export async function assertTopology(channel: Channel, names: Topology): Promise<void> {
  await channel.assertExchange(names.exchange, 'topic', { durable: true });
  await channel.assertExchange(names.deadLetterExchange, 'topic', { durable: true });
  await channel.assertQueue(names.queue, {
    durable: true,
    deadLetterExchange: names.deadLetterExchange,
    deadLetterRoutingKey: names.routingKey,
  });
  await channel.bindQueue(names.queue, names.exchange, names.routingKey);
  await channel.assertQueue(names.deadLetterQueue, { durable: true });
  await channel.bindQueue(names.deadLetterQueue, names.deadLetterExchange, '#');
  // No consumer: a message waits its `expiration`, then dead-letters back to the main queue.
  await channel.assertQueue(names.retryQueue, {
    durable: true,
    deadLetterExchange: names.exchange,
    deadLetterRoutingKey: names.routingKey,
  });
}

/**
 * Opens a confirm channel on `connection` with the topology asserted. `onClosed` is called with
 * the channel when the broker or the connection closes it, so its owner can stop using it; a
 * channel error is expected then (the session reconnects) and is not rethrown.
 */
export async function openTopologyChannel(
  connection: ChannelModel,
  names: Topology,
  onClosed: (channel: ConfirmChannel) => void,
): Promise<ConfirmChannel> {
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  channel.on('close', () => onClosed(channel));
  await assertTopology(channel, names);
  return channel;
}
