/**
 * payment-service's consumer of the bus the order flow runs on (`FAULTLINE_BUS`): RabbitMQ's,
 * with the broker's queue depths sampled beside it, or Kafka's, one member of the
 * `payment-service` group (its lag is sampled by order-service, which outlives it). Kafka's
 * modules are loaded only on the Kafka bus.
 */
import { monitorQueues } from '@faultline/instrumentation';
import type { BusConfig } from '../shared/config.ts';
import type { Logger } from '../shared/logger.ts';
import { topology } from '../shared/topology.ts';
import type { OrderSaga } from '../saga/orderSaga.ts';
import { PaymentConsumer } from './paymentConsumer.ts';

/** A running consumer, whichever the bus. */
export interface BusConsumer {
  /** Whether it is attached to the queue or joined to the group (readiness). */
  readonly connected: boolean;
  /**
   * The `consumer-stall` fault (Kafka only): stops or resumes fetching while staying a member.
   * Undefined on RabbitMQ, which has no such fault.
   */
  readonly setStalled?: (stalled: boolean) => void;
  /** Stops consuming (and sampling). */
  stop(): Promise<void>;
}

/** What every consumer needs besides the bus. */
export interface BusConsumerInput {
  /** Runs each order's saga (stock, payment, compensation). */
  readonly saga: OrderSaga;
  readonly prefetch: number;
  readonly redeliveryDelayMs: number;
  readonly log: Logger;
}

function startRabbitConsumer(
  bus: Extract<BusConfig, { kind: 'rabbitmq' }>,
  input: BusConsumerInput,
): BusConsumer {
  const names = topology(bus.namePrefix);
  const consumer = new PaymentConsumer({ ...input, amqpUrl: bus.url, topology: names });
  consumer.start();
  // Depth and consumers of the work, retry and dead-letter queues, as the broker reports them.
  const queues = monitorQueues({
    url: bus.url,
    queues: [names.queue, names.retryQueue, names.deadLetterQueue],
    intervalMs: 5000,
  });
  return {
    get connected() {
      return consumer.connected;
    },
    async stop() {
      await consumer.stop();
      await queues.stop();
    },
  };
}

async function startKafkaConsumer(
  bus: Extract<BusConfig, { kind: 'kafka' }>,
  input: BusConsumerInput,
): Promise<BusConsumer> {
  const [{ openKafkaBus }, { KafkaPaymentConsumer }] = await Promise.all([
    import('../shared/kafkaTopics.ts'),
    import('./kafkaPaymentConsumer.ts'),
  ]);
  const { kafka, topics } = await openKafkaBus(bus, 'payment-service');
  const consumer = new KafkaPaymentConsumer({ ...input, kafka, topics });
  await consumer.start();
  return {
    get connected() {
      return consumer.connected;
    },
    setStalled: (stalled) => consumer.setStalled(stalled),
    stop: () => consumer.stop(),
  };
}

/** Starts the consumer of `bus`; on Kafka, rejects when the brokers do not answer. */
export async function startBusConsumer(bus: BusConfig, input: BusConsumerInput): Promise<BusConsumer> {
  switch (bus.kind) {
    case 'rabbitmq':
      return startRabbitConsumer(bus, input);
    case 'kafka':
      return startKafkaConsumer(bus, input);
  }
}
