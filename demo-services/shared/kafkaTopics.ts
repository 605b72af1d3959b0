/**
 * The order flow's Kafka topics, with an optional prefix so tests never share topics with the
 * demo, and creating them with the durability the flow relies on: replicated over up to three
 * brokers with min.insync.replicas 2 (on a single broker, 1 and 1), so a record acknowledged to
 * an acks=all producer survives the loss of one broker.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { BusConfig } from './config.ts';

/** The consumer group of payment-service. */
export const PAYMENT_GROUP = 'payment-service';

/** Topic names of the order flow. */
export interface KafkaTopics {
  /** Orders to charge: keyed by order id, so one order's records stay in order on one partition. */
  readonly orders: string;
  /** Records payment-service gave up on (poison, unknown order, provider never recovered). */
  readonly deadLetter: string;
}

/** The topics, with `prefix` in front of every name. */
export function kafkaTopics(prefix = ''): KafkaTopics {
  return { orders: `${prefix}orders.created`, deadLetter: `${prefix}orders.created.dlt` };
}

/** Creates the topics unless they exist, replicated over up to 3 of `brokers` brokers. */
export async function ensureKafkaTopics(
  admin: Admin,
  topics: KafkaTopics,
  brokers: number,
  partitions = 3,
): Promise<void> {
  const replicationFactor = Math.min(3, brokers);
  const minInsync = String(Math.min(2, replicationFactor));
  const existing = new Set(await admin.listTopics());
  const wanted = [topics.orders, topics.deadLetter].filter((topic) => !existing.has(topic));
  if (wanted.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: wanted.map((topic) => ({
      topic,
      numPartitions: partitions,
      replicationFactor,
      configEntries: [{ name: 'min.insync.replicas', value: minInsync }],
    })),
  });
}

/** The Kafka side of the bus setting (`FAULTLINE_BUS=kafka`). */
export type KafkaBusConfig = Extract<BusConfig, { kind: 'kafka' }>;

/**
 * A kafkajs client of `bus` for `clientId`, with the order flow's topics created unless they
 * exist (several services may start at once: creating is idempotent). Rejects when the
 * brokers do not answer within kafkajs's retries.
 */
export async function openKafkaBus(
  bus: KafkaBusConfig,
  clientId: string,
): Promise<{ kafka: Kafka; topics: KafkaTopics }> {
  const kafka = new Kafka({
    clientId,
    brokers: [...bus.brokers],
    logLevel: logLevel.ERROR,
    retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5_000 },
  });
  const topics = kafkaTopics(bus.topicPrefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureKafkaTopics(admin, topics, bus.brokers.length);
  } finally {
    await admin.disconnect();
  }
  return { kafka, topics };
}
