/**
 * The parts of kafkajs this package touches, typed structurally so the package does not depend
 * on kafkajs (an optional peer): the client's factories, a producer's sends, a consumer's
 * subscribe/run and events, and the payloads its handlers receive.
 */

/** A record as a consumer's handler receives it. */
export interface KafkaMessage {
  readonly timestamp?: string;
  readonly offset?: string;
  readonly headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** `eachMessage`'s argument. */
export interface EachMessagePayload {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** `eachBatch`'s argument. */
export interface EachBatchPayload {
  readonly batch: { readonly topic: string; readonly partition: number; readonly messages: KafkaMessage[] };
}

/** `consumer.run`'s argument. */
export interface RunConfig {
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  [option: string]: unknown;
}

/** `consumer.subscribe`'s argument. */
export interface SubscribeConfig {
  readonly topic?: string | RegExp;
  readonly topics?: readonly (string | RegExp)[];
}

/** The GROUP_JOIN event of a consumer. */
export interface GroupJoinEvent {
  readonly payload: { readonly groupId: string; readonly duration: number };
}

/** A kafkajs consumer. */
export interface Consumer {
  run(config?: RunConfig): Promise<void>;
  subscribe(config: SubscribeConfig): Promise<void>;
  readonly events: { readonly GROUP_JOIN: string };
  on(event: string, listener: (event: GroupJoinEvent) => void): unknown;
}

/** A message handed to `producer.send`. */
export interface ProducedMessage {
  readonly value: unknown;
}

/** `producer.send`'s argument. */
export interface ProducerRecord {
  readonly topic: string;
  readonly messages: readonly ProducedMessage[];
}

/** `producer.sendBatch`'s argument. */
export interface ProducerBatch {
  readonly topicMessages?: readonly ProducerRecord[];
}

/** A kafkajs producer. */
export interface Producer {
  send(record: ProducerRecord): Promise<unknown>;
  sendBatch(batch: ProducerBatch): Promise<unknown>;
}

/** The `Kafka` client class's prototype. */
export interface KafkaPrototype {
  producer(...args: unknown[]): Producer;
  consumer(config?: { readonly groupId?: string }, ...rest: unknown[]): Consumer;
}

/** What `require('kafkajs')` exports. */
export interface KafkajsExports {
  readonly Kafka: { readonly prototype: KafkaPrototype };
}
