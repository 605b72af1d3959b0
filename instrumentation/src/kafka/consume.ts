/**
 * The consumer-side metrics of kafkajs handlers: each record counted consumed and its lag
 * observed when processing starts, its processing time observed by outcome when the handler
 * settles, and a record whose trace-context header cannot be read counted and logged once per
 * topic. The handler runs inside the contrib instrumentation's span, so histograms carry its
 * trace id as exemplar. Reporting never changes what the handler returns or throws.
 */
import { logActions, logFields } from '../catalogue/index.ts';
import { observeHistogram } from '../metrics/observeHistogram.ts';
import { PROCESS_OUTCOMES } from '../messaging/utils.ts';
import { getRuntime } from '../runtime.ts';
import type { EachBatchPayload, EachMessagePayload, KafkaMessage, RunConfig } from './kafkajsShapes.ts';
import { KAFKA_SYSTEM } from './semconv.ts';
import { hasInvalidTraceContext, kafkaOutcome, recordLagSeconds } from './utils.ts';

const labelsOf = (topic: string) => ({ messaging_system: KAFKA_SYSTEM, messaging_destination_name: topic });

/** Topics whose unreadable trace context was logged already (bounded by the topics consumed). */
const reportedInvalidContext = new Set<string>();

function quietly(report: () => void): void {
  try {
    report();
  } catch {
    // Reporting must not change what the handler did.
  }
}

/** Starts every consumer-side series of `topic` at 0, so the first record shows in `increase()`. */
export function initialiseConsumerSeries(topic: string): void {
  const { metrics } = getRuntime();
  const labels = labelsOf(topic);
  metrics.counter('messagingConsumed').inc(labels, 0);
  metrics.counter('messagingInvalidTraceContext').inc(labels, 0);
  metrics.histogram('messagingLag').zero(labels);
  for (const outcome of PROCESS_OUTCOMES)
    metrics.histogram('messagingProcessDuration').zero({ ...labels, outcome });
}

function received(topic: string, message: KafkaMessage): void {
  const { metrics, log } = getRuntime();
  const labels = labelsOf(topic);
  metrics.counter('messagingConsumed').inc(labels);
  const lag = recordLagSeconds(message.timestamp, Date.now());
  if (lag !== undefined) observeHistogram(metrics.histogram('messagingLag'), labels, lag);
  if (!hasInvalidTraceContext(message.headers)) return;
  metrics.counter('messagingInvalidTraceContext').inc(labels);
  if (reportedInvalidContext.has(topic)) return;
  reportedInvalidContext.add(topic);
  log.log('warn', `Kafka record on ${topic} has an unreadable traceparent header; its trace starts anew`, {
    [logFields.eventAction]: logActions.invalidTraceContext,
    [logFields.messagingDestinationName]: topic,
  });
}

function processed(topic: string, count: number, startedAt: number, failed: boolean): void {
  const seconds = (performance.now() - startedAt) / 1000;
  const histogram = getRuntime().metrics.histogram('messagingProcessDuration');
  const labels = { ...labelsOf(topic), outcome: kafkaOutcome(failed) };
  for (let i = 0; i < count; i += 1) observeHistogram(histogram, labels, seconds);
}

async function measured(topic: string, count: number, handler: () => Promise<void>): Promise<void> {
  const startedAt = performance.now();
  try {
    await handler();
  } catch (error) {
    quietly(() => processed(topic, count, startedAt, true));
    throw error;
  }
  quietly(() => processed(topic, count, startedAt, false));
}

/**
 * `config` with its handlers measured. A batch handler's records share the batch's outcome
 * and duration: kafkajs settles them together unless the handler resolves offsets one by one.
 */
export function measuredRunConfig(config: RunConfig | undefined): RunConfig | undefined {
  if (!config) return config;
  const { eachMessage, eachBatch } = config;
  const measuredConfig: RunConfig = { ...config };
  if (eachMessage)
    measuredConfig.eachMessage = (payload: EachMessagePayload) => {
      quietly(() => received(payload.topic, payload.message));
      return measured(payload.topic, 1, () => eachMessage(payload));
    };
  if (eachBatch)
    measuredConfig.eachBatch = (payload: EachBatchPayload) => {
      const { topic, messages } = payload.batch;
      quietly(() => messages.forEach((message) => received(topic, message)));
      return measured(topic, messages.length, () => eachBatch(payload));
    };
  return measuredConfig;
}
