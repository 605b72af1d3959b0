/**
 * `monitorConsumerGroups`: samples consumer groups through the Kafka admin API at an interval,
 * from its own client, so it keeps reporting when every consumer of a group is gone:
 * `messaging_kafka_consumer_group_lag` (records behind, per partition), its estimate in seconds
 * (`lag.ts`), the committed offset, and the group's members.
 *
 * - A sample that fails clears the series it would have set (a frozen lag would keep an alert
 *   quiet; an absent one can alert), counts the failure by reason (unreachable, unknown_group,
 *   unknown_topic) and logs once when the failure starts and once when it recovers.
 * - Memory is bounded: per partition at most `historySize` high-watermark samples.
 * - Sampling never blocks or throws into the app: one sample at a time, on an `unref()`'d
 *   timer, every error caught.
 */
import type * as KafkaJs from 'kafkajs';
import { logActions, logFields } from '../catalogue/index.ts';
import { SamplingLoop, samplingTiming } from '../messaging/SamplingLoop.ts';
import { getRuntime } from '../runtime.ts';
import { lagSeconds, partitionLag, recordSample, type WatermarkSample } from './lag.ts';
import { MONITOR_FAILURES, SampleFailure, isUnknownTopic, messageOf } from './monitorFailure.ts';

export type { MonitorFailure } from './monitorFailure.ts';

/** One group to watch and the topics it consumes. */
export interface MonitoredGroup {
  readonly group: string;
  readonly topics: readonly string[];
}

/** Options of {@link monitorConsumerGroups}. */
export interface MonitorConsumerGroupsOptions {
  /** Bootstrap brokers (`host:port`). */
  readonly brokers: readonly string[];
  /** The groups to sample, each with its topics. */
  readonly groups: readonly MonitoredGroup[];
  /** Time between samples, in milliseconds (default 15 000). */
  readonly intervalMs?: number;
  /** Timeout of each broker request, in milliseconds (default: the interval, at most 5 000). */
  readonly timeoutMs?: number;
  /** High-watermark samples kept per partition for the lag estimate (default 240). */
  readonly historySize?: number;
}

/** A running consumer-group sampler. */
export interface ConsumerGroupMonitor {
  /** Takes a sample now (joining one in progress); resolves when it is done, never rejects. */
  sampleNow(): Promise<void>;
  /** Stops sampling, disconnects and removes its series. Never rejects. */
  stop(): Promise<void>;
}

const DEFAULT_HISTORY = 240;

type Watermarks = Map<number, { readonly low: number; readonly high: number }>;

class Sampler implements ConsumerGroupMonitor {
  readonly #options: MonitorConsumerGroupsOptions;
  readonly #timeoutMs: number;
  readonly #historySize: number;
  readonly #history = new Map<string, WatermarkSample[]>();
  readonly #published = new Map<string, Set<string>>();
  readonly #failing = new Set<string>();
  readonly #loop: SamplingLoop;
  #admin: KafkaJs.Admin | undefined;

  constructor(options: MonitorConsumerGroupsOptions) {
    this.#options = options;
    const { intervalMs, timeoutMs } = samplingTiming('monitorConsumerGroups', options);
    this.#timeoutMs = timeoutMs;
    this.#historySize = options.historySize ?? DEFAULT_HISTORY;
    const { metrics } = getRuntime();
    for (const reason of MONITOR_FAILURES) metrics.counter('kafkaMonitorFailures').inc({ reason }, 0);
    this.#loop = new SamplingLoop(
      () => this.#sample(),
      (error) => this.#fail('cluster', new SampleFailure('unreachable', messageOf(error))),
      intervalMs,
    );
  }

  sampleNow(): Promise<void> {
    return this.#loop.sampleNow();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.disconnect().catch(() => undefined);
    for (const { group } of this.#options.groups) this.#clearGroup(group);
  }

  async #connect(): Promise<KafkaJs.Admin> {
    if (this.#admin) return this.#admin;
    // Loaded here: the package must not require kafkajs unless this is used.
    const loaded = (await import('kafkajs')) as typeof KafkaJs & { default?: typeof KafkaJs };
    const { Kafka, logLevel } = loaded.default ?? loaded;
    const kafka = new Kafka({
      clientId: 'faultline-consumer-group-monitor',
      brokers: [...this.#options.brokers],
      connectionTimeout: this.#timeoutMs,
      requestTimeout: this.#timeoutMs,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: this.#timeoutMs },
      // Failures are reported by this monitor, once per change; kafkajs would log every retry.
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    try {
      await admin.connect();
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    this.#admin = admin;
    return admin;
  }

  async #sample(): Promise<void> {
    let admin: KafkaJs.Admin;
    try {
      admin = await this.#connect();
    } catch (error) {
      this.#fail('cluster', new SampleFailure('unreachable', messageOf(error)));
      for (const { group } of this.#options.groups) this.#clearGroup(group);
      return;
    }
    this.#recover('cluster');
    const topics = [...new Set(this.#options.groups.flatMap((group) => group.topics))];
    const watermarks = new Map<string, Watermarks>();
    for (const topic of topics) {
      const result = await this.#watermarks(admin, topic);
      if (result) watermarks.set(topic, result);
    }
    for (const monitored of this.#options.groups) {
      if (this.#loop.stopped) return;
      await this.#sampleGroup(admin, monitored, watermarks);
    }
  }

  async #watermarks(admin: KafkaJs.Admin, topic: string): Promise<Watermarks | undefined> {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      const now = Date.now();
      const result: Watermarks = new Map();
      for (const { partition, low, high } of offsets) {
        result.set(partition, { low: Number(low), high: Number(high) });
        const key = `${topic}/${partition}`;
        const history = this.#history.get(key) ?? [];
        this.#history.set(key, history);
        recordSample(history, { atMs: now, highWatermark: Number(high) }, this.#historySize);
      }
      this.#recover(`topic ${topic}`);
      return result;
    } catch (error) {
      if (isUnknownTopic(error))
        this.#fail(`topic ${topic}`, new SampleFailure('unknown_topic', `topic ${topic} does not exist`));
      else {
        this.#dropAdmin();
        this.#fail('cluster', new SampleFailure('unreachable', messageOf(error)));
      }
      return undefined;
    }
  }

  async #sampleGroup(admin: KafkaJs.Admin, monitored: MonitoredGroup, watermarks: Map<string, Watermarks>) {
    const { group } = monitored;
    try {
      const [description] = (await admin.describeGroups([group])).groups;
      const committed = await admin.fetchOffsets({ groupId: group, topics: [...monitored.topics] });
      const anyCommit = committed.some(({ partitions }) => partitions.some((p) => Number(p.offset) >= 0));
      if ((!description || description.state === 'Dead') && !anyCommit)
        throw new SampleFailure('unknown_group', `consumer group ${group} does not exist`);
      this.#recover(`group ${group}`);
      this.#publishGroup(group, description?.members.length ?? 0, committed, watermarks);
    } catch (error) {
      this.#clearGroup(group);
      if (error instanceof SampleFailure) this.#fail(`group ${group}`, error, group);
      else {
        this.#dropAdmin();
        this.#fail('cluster', new SampleFailure('unreachable', messageOf(error)));
      }
    }
  }

  #publishGroup(
    group: string,
    members: number,
    committed: Awaited<ReturnType<KafkaJs.Admin['fetchOffsets']>>,
    watermarks: Map<string, Watermarks>,
  ): void {
    const { metrics } = getRuntime();
    metrics.gauge('kafkaConsumerGroupMembers').set({ group }, members);
    const now = Date.now();
    const published = new Set<string>();
    for (const { topic, partitions } of committed) {
      const marks = watermarks.get(topic);
      if (!marks) continue;
      for (const { partition, offset } of partitions) {
        const mark = marks.get(partition);
        if (!mark) continue;
        const labels = { group, topic, partition: String(partition) };
        const position = Number(offset);
        const lag = partitionLag(position, mark.low, mark.high);
        const next = position >= 0 ? position : mark.low;
        metrics.gauge('kafkaConsumerGroupLag').set(labels, lag);
        metrics
          .gauge('kafkaConsumerGroupLagSeconds')
          .set(labels, lagSeconds(this.#history.get(`${topic}/${partition}`) ?? [], next, now));
        if (position >= 0) metrics.gauge('kafkaConsumerGroupOffset').set(labels, position);
        else metrics.gauge('kafkaConsumerGroupOffset').remove(labels);
        published.add(JSON.stringify([topic, String(partition)]));
      }
    }
    for (const stale of this.#published.get(group) ?? []) {
      if (!published.has(stale)) this.#removePartition(group, stale);
    }
    this.#published.set(group, published);
  }

  #removePartition(group: string, key: string): void {
    const [topic, partition] = JSON.parse(key) as [string, string];
    const labels = { group, topic, partition };
    const { metrics } = getRuntime();
    metrics.gauge('kafkaConsumerGroupLag').remove(labels);
    metrics.gauge('kafkaConsumerGroupLagSeconds').remove(labels);
    metrics.gauge('kafkaConsumerGroupOffset').remove(labels);
  }

  #clearGroup(group: string): void {
    getRuntime().metrics.gauge('kafkaConsumerGroupMembers').remove({ group });
    for (const key of this.#published.get(group) ?? []) this.#removePartition(group, key);
    this.#published.delete(group);
  }

  #dropAdmin(): void {
    const admin = this.#admin;
    this.#admin = undefined;
    admin?.disconnect().catch(() => undefined);
  }

  /** Counts a failure every time; logs it only when `what` starts failing. */
  #fail(what: string, failure: SampleFailure, group?: string): void {
    const { metrics, log } = getRuntime();
    metrics.counter('kafkaMonitorFailures').inc({ reason: failure.reason });
    if (this.#failing.has(what)) return;
    this.#failing.add(what);
    log.log(
      'warn',
      `Kafka consumer-group sampling failed for ${what}: ${failure.message}; its series are cleared`,
      {
        [logFields.eventAction]: logActions.kafkaMonitorFailed,
        [logFields.errorType]: failure.reason,
        [logFields.errorMessage]: failure.message,
        ...(group === undefined ? {} : { [logFields.kafkaConsumerGroup]: group }),
      },
    );
  }

  #recover(what: string): void {
    if (!this.#failing.delete(what)) return;
    getRuntime().log.log('info', `Kafka consumer-group sampling recovered for ${what}`, {
      [logFields.eventAction]: logActions.kafkaMonitorRecovered,
    });
  }
}

/**
 * Samples each group's lag on its topics every `intervalMs` (first sample at once), through the
 * admin API of its own kafkajs client (loaded on the first sample; kafkajs must be installed).
 * Never throws into the app once started; failures are counted and logged once per change.
 *
 * @throws TypeError at call time if `brokers` or `groups` are empty or malformed, or
 * `intervalMs` is not a positive number.
 */
export function monitorConsumerGroups(options: MonitorConsumerGroupsOptions): ConsumerGroupMonitor {
  const brokers = options?.brokers;
  if (
    !Array.isArray(brokers) ||
    brokers.length === 0 ||
    !brokers.every((b) => typeof b === 'string' && b !== '')
  )
    throw new TypeError(
      `monitorConsumerGroups: brokers must be a non-empty array of host:port, got ${String(brokers)}`,
    );
  const groups = options.groups;
  const valid = (g: MonitoredGroup) =>
    typeof g?.group === 'string' &&
    g.group !== '' &&
    Array.isArray(g.topics) &&
    g.topics.every((t) => typeof t === 'string' && t !== '');
  if (!Array.isArray(groups) || !groups.every(valid))
    throw new TypeError('monitorConsumerGroups: groups must be an array of { group, topics: [names] }');
  return new Sampler(options);
}
