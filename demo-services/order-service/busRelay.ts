/**
 * The outbox relay of the bus the order flow runs on (`FAULTLINE_BUS`): RabbitMQ's, or Kafka's
 * with the consumer-group monitor beside it. On Kafka, order-service samples payment-service's
 * group lag through the admin API from its own client, so the lag is still reported when every
 * payment consumer is gone. Kafka's modules are loaded only on the Kafka bus, so a RabbitMQ
 * order-service never loads kafkajs (nor its instrumentation's series).
 */
import { monitorConsumerGroups } from '@faultline/instrumentation';
import type pg from 'pg';
import type { BusConfig } from '../shared/config.ts';
import type { Logger } from '../shared/logger.ts';
import { topology } from '../shared/topology.ts';
import { OutboxRelay } from './outboxRelay.ts';

/** A running relay, whichever the bus. */
export interface BusRelay {
  /** The outbox topic (routing key) orders are written with. */
  readonly topic: string;
  /** Whether the relay can publish (readiness). */
  readonly connected: boolean;
  /** Stops relaying (and monitoring), waiting for the batch in flight. */
  stop(): Promise<void>;
}

/** What every relay needs besides the bus. */
export interface BusRelayInput {
  readonly pool: pg.Pool;
  readonly pollMs: number;
  readonly log: Logger;
}

/** How often the Kafka consumer-group monitor samples (the demo's Prometheus scrapes every 5 s). */
const GROUP_SAMPLE_MS = 5_000;

function startRabbitRelay(bus: Extract<BusConfig, { kind: 'rabbitmq' }>, input: BusRelayInput): BusRelay {
  const names = topology(bus.namePrefix);
  const relay = new OutboxRelay({ ...input, amqpUrl: bus.url, topology: names });
  relay.start();
  return {
    topic: names.routingKey,
    get connected() {
      return relay.connected;
    },
    stop: () => relay.stop(),
  };
}

async function startKafkaRelay(
  bus: Extract<BusConfig, { kind: 'kafka' }>,
  input: BusRelayInput,
): Promise<BusRelay> {
  const [{ openKafkaBus, PAYMENT_GROUP }, { KafkaOutboxRelay }] = await Promise.all([
    import('../shared/kafkaTopics.ts'),
    import('./kafkaOutboxRelay.ts'),
  ]);
  const { kafka, topics } = await openKafkaBus(bus, 'order-service');
  const relay = new KafkaOutboxRelay({ ...input, kafka, topicOf: () => topics.orders });
  relay.start();
  const monitor = monitorConsumerGroups({
    brokers: bus.brokers,
    groups: [{ group: PAYMENT_GROUP, topics: [topics.orders] }],
    intervalMs: GROUP_SAMPLE_MS,
  });
  return {
    topic: 'orders.created',
    get connected() {
      return relay.connected;
    },
    async stop() {
      await monitor.stop();
      await relay.stop();
    },
  };
}

/** Starts the relay of `bus`; on Kafka, rejects when the brokers do not answer. */
export async function startBusRelay(bus: BusConfig, input: BusRelayInput): Promise<BusRelay> {
  switch (bus.kind) {
    case 'rabbitmq':
      return startRabbitRelay(bus, input);
    case 'kafka':
      return startKafkaRelay(bus, input);
  }
}
