/**
 * Kafka through kafkajs, patched when the app loads kafkajs (nothing Kafka-related is loaded
 * before that):
 * - Spans and context propagation come from OpenTelemetry's contrib instrumentation
 *   (`@opentelemetry/instrumentation-kafkajs`), required at that moment and applied to the
 *   loaded module: a PRODUCER span per record with its W3C context written into the record
 *   headers; a CONSUMER span per record that continues the producer's trace (`eachMessage`),
 *   or, for `eachBatch`, a process span per record linked to that record's producer context.
 *   It uses the global tracer provider, which Faultline's tracing installs.
 * - Faultline's messaging metrics are added around the same calls (`produce.ts`,
 *   `consume.ts`): sent, consumed, lag from the record timestamp, processing time by outcome,
 *   unreadable trace context; and rebalances with their duration (`rebalances.ts`).
 * Transactional sends are traced by the contrib instrumentation but not counted. Nothing here
 * throws into the app.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  type Instrumentation,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import { wrapInstanceMethod } from '../wrapInstanceMethod.ts';
import { initialiseConsumerSeries, measuredRunConfig } from './consume.ts';
import type {
  Consumer,
  KafkaPrototype,
  KafkajsExports,
  Producer,
  ProducerBatch,
  ProducerRecord,
  RunConfig,
  SubscribeConfig,
} from './kafkajsShapes.ts';
import { countSent, recordsOfBatch } from './produce.ts';
import { countRebalances } from './rebalances.ts';
import type { KafkaInstrumentationConfig } from './types.ts';

/** The kafkajs versions patched (those the contrib instrumentation supports). */
const SUPPORTED_VERSIONS = ['>=0.3.0 <3'];

function quietly(report: () => void): void {
  try {
    report();
  } catch {
    // Reporting must not change what kafkajs does.
  }
}

function subscribedTopics(config: SubscribeConfig | undefined): string[] {
  const all = [config?.topic, ...(config?.topics ?? [])];
  return all.filter((topic): topic is string => typeof topic === 'string');
}

/** Traces and measures Kafka records through kafkajs. */
export class KafkaInstrumentation extends InstrumentationBase<KafkaInstrumentationConfig> {
  private contrib: Instrumentation | undefined;
  private undo: (() => void)[] = [];
  private readonly patched = new WeakSet<object>();

  /** Creates the instrumentation; it is enabled unless `config.enabled` is false. */
  constructor(config: KafkaInstrumentationConfig = {}) {
    super(`${INSTRUMENTATION_SCOPE.name}/kafkajs`, INSTRUMENTATION_SCOPE.version, config);
  }

  protected override init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      'kafkajs',
      SUPPORTED_VERSIONS,
      (exports: KafkajsExports, version?: string) => this.patchKafkajs(exports, version),
      (exports?: KafkajsExports) => this.unpatchKafkajs(exports, undefined),
    );
  }

  /** The contrib instrumentation, required on first use: only apps that load kafkajs pay for it. */
  private contribDefinitions(): InstrumentationNodeModuleDefinition[] {
    if (!this.contrib) {
      /* eslint-disable @typescript-eslint/no-require-imports -- loaded only once kafkajs is */
      const { KafkaJsInstrumentation } =
        require('@opentelemetry/instrumentation-kafkajs') as typeof import('@opentelemetry/instrumentation-kafkajs');
      /* eslint-enable @typescript-eslint/no-require-imports */
      // Disabled: it must not hook module loading itself; its patch is applied below.
      this.contrib = new KafkaJsInstrumentation({ enabled: false });
    }
    return (this.contrib as unknown as { getModuleDefinitions(): InstrumentationNodeModuleDefinition[] })
      .getModuleDefinitions()
      .filter((definition) => definition.name === 'kafkajs');
  }

  private patchKafkajs(exports: KafkajsExports, version: string | undefined): KafkajsExports {
    // An app that both imports and requires kafkajs hands the same class over twice (through
    // the ESM hook and require-in-the-middle): patching it again would count every record twice.
    if (this.patched.has(exports.Kafka.prototype)) return exports;
    this.patched.add(exports.Kafka.prototype);
    if (this.getConfig().traces !== false) {
      for (const definition of this.contribDefinitions()) definition.patch?.(exports, version);
    }
    // Over the contrib wrappers, not instead of them: `_wrap` would unwrap what it finds first.
    const prototype = exports.Kafka.prototype;
    this.undo.push(
      wrapInstanceMethod(prototype, 'producer', (original) => this.wrapProducerFactory(original)),
      wrapInstanceMethod(prototype, 'consumer', (original) => this.wrapConsumerFactory(original)),
    );
    return exports;
  }

  private unpatchKafkajs(exports: KafkajsExports | undefined, version: string | undefined): void {
    if (!exports) return;
    this.patched.delete(exports.Kafka.prototype);
    for (const undo of this.undo.splice(0).reverse()) undo();
    if (this.contrib)
      for (const definition of this.contribDefinitions()) definition.unpatch?.(exports, version);
  }

  private wrapProducerFactory(original: KafkaPrototype['producer']): KafkaPrototype['producer'] {
    const wrapProducer = (producer: Producer) => this.measureProducer(producer);
    return function (this: unknown, ...args: unknown[]) {
      const producer = original.apply(this, args);
      quietly(() => wrapProducer(producer));
      return producer;
    };
  }

  private measureProducer(producer: Producer): void {
    wrapInstanceMethod(
      producer,
      'send',
      (send) =>
        function (this: unknown, record: ProducerRecord) {
          const sent = send.call(this, record);
          void sent.then(
            () => countSent([record]),
            () => undefined,
          );
          return sent;
        },
    );
    wrapInstanceMethod(
      producer,
      'sendBatch',
      (sendBatch) =>
        function (this: unknown, batch: ProducerBatch) {
          const sent = sendBatch.call(this, batch);
          void sent.then(
            () => countSent(recordsOfBatch(batch)),
            () => undefined,
          );
          return sent;
        },
    );
  }

  private wrapConsumerFactory(original: KafkaPrototype['consumer']): KafkaPrototype['consumer'] {
    const measure = (consumer: Consumer, group: string | undefined) => this.measureConsumer(consumer, group);
    return function (this: unknown, config?: { readonly groupId?: string }, ...rest: unknown[]) {
      const consumer = original.call(this, config, ...rest);
      quietly(() => measure(consumer, config?.groupId));
      return consumer;
    };
  }

  private measureConsumer(consumer: Consumer, group: string | undefined): void {
    if (typeof group === 'string') countRebalances(consumer, group);
    wrapInstanceMethod(
      consumer,
      'subscribe',
      (subscribe) =>
        function (this: unknown, config: SubscribeConfig) {
          quietly(() => subscribedTopics(config).forEach(initialiseConsumerSeries));
          return subscribe.call(this, config);
        },
    );
    // Outside the contrib wrapper of `run`: it wraps our measured handlers in its span, so the
    // histograms' exemplars carry the record's trace.
    wrapInstanceMethod(
      consumer,
      'run',
      (run) =>
        function (this: unknown, config?: RunConfig) {
          let measured = config;
          quietly(() => (measured = measuredRunConfig(config)));
          return run.call(this, measured);
        },
    );
  }
}

/** Creates the kafkajs instrumentation; register it before the app loads kafkajs. */
export function createKafkaInstrumentation(config: KafkaInstrumentationConfig = {}): KafkaInstrumentation {
  return new KafkaInstrumentation(config);
}
