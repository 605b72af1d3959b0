/**
 * What the Kafka tests share: a KRaft broker of `backends/` started for one test file, kafkajs
 * patched by a given instrumentation, unique names, and topic creation.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstrumentationBase } from '@opentelemetry/instrumentation';
import type * as KafkaJs from 'kafkajs';
import { startKafka, type RunningKafka } from '../../../backends/index.ts';

/** A broker for one test file, with its directory; `stop()` removes both. */
export interface TestBroker {
  readonly kafka: RunningKafka;
  stop(): Promise<void>;
}

/** Starts a single KRaft node in a fresh temporary directory. */
export async function startTestBroker(): Promise<TestBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-kafka-test-'));
  const kafka = await startKafka({ dir });
  return {
    kafka,
    async stop() {
      await kafka.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** kafkajs with `instrumentation`'s patch applied, as an app loading it after registration gets it. */
export function loadInstrumentedKafkajs(instrumentation: InstrumentationBase): typeof KafkaJs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kafkajs = require('kafkajs') as typeof KafkaJs;
  const definition = instrumentation.getModuleDefinitions().find((module) => module.name === 'kafkajs');
  if (!definition?.patch) throw new Error('the instrumentation defines no patch for kafkajs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  definition.patch(kafkajs, (require('kafkajs/package.json') as { version: string }).version);
  return kafkajs;
}

let counter = 0;

/** A name unique to this run, for topics and groups. */
export function uniqueName(purpose: string): string {
  counter += 1;
  return `faultline-test-${purpose}-${process.pid}-${counter}`;
}

/** Creates `topic` with `partitions` partitions and waits for its leaders. */
export async function createTopic(admin: KafkaJs.Admin, topic: string, partitions = 1): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
}
