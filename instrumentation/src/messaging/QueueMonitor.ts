/**
 * `monitorQueues`: samples queues from the broker at an interval and publishes
 * `messaging_queue_depth{state="ready"|"unacked"}` and `messaging_queue_consumers`.
 *
 * - Ready messages and consumers come from AMQP itself: a passive `checkQueue` per queue on the
 *   monitor's own connection and channel (real-time counts). A missing queue makes the broker
 *   close the channel; the next queue gets a fresh one, and the missing queue has no series
 *   until it exists.
 * - Unacknowledged messages are not in AMQP's answer, so they come from RabbitMQ over HTTP
 *   when configured (see `brokerStats.ts`): the Prometheus plugin (`prometheusUrl`), else the
 *   management API (`managementUrl`). With neither, no `unacked` series is published: absent
 *   means unknown, where a 0 would claim an empty queue.
 * - A sample that fails clears the series it would have set rather than leaving stale values
 *   (a frozen depth would keep an alert quiet, an absent one can alert). Each failure is logged
 *   once when it starts and once when it recovers, not on every sample.
 * - Sampling never blocks or throws into the app: it is asynchronous, one sample at a time, on
 *   an `unref()`'d timer, with every error caught.
 */
import type * as Amqp from 'amqplib';
import { logActions, logFields } from '../catalogue/index.ts';
import { getRuntime } from '../runtime.ts';
import { fetchUnacked, type UnackedSource } from './brokerStats.ts';
import { SamplingLoop, samplingTiming } from './SamplingLoop.ts';
import { MESSAGING_SYSTEM } from './semconv.ts';

/** Options of {@link monitorQueues}. */
export interface MonitorQueuesOptions {
  /** AMQP URL of the broker (`amqp://user:pass@host:5672/vhost`); the vhost is taken from it. */
  readonly url: string;
  /** Names of the queues to sample. */
  readonly queues: readonly string[];
  /** Time between samples, in milliseconds (default 15 000). */
  readonly intervalMs?: number;
  /** Base URL of RabbitMQ's Prometheus endpoint (`http://host:15692`): source of `unacked`. */
  readonly prometheusUrl?: string;
  /** Base URL of the management API (`http://user:pass@host:15672`): `unacked` when no `prometheusUrl`. */
  readonly managementUrl?: string;
  /** Timeout of each broker request, in milliseconds (default: the interval, at most 5 000). */
  readonly timeoutMs?: number;
}

/** A running queue sampler. */
export interface QueueMonitor {
  /** Takes a sample now (joining one in progress); resolves when it is done, never rejects. */
  sampleNow(): Promise<void>;
  /** Stops sampling, closes the monitor's connection and removes its series. Never rejects. */
  stop(): Promise<void>;
}

type CheckResult = { readonly messageCount: number; readonly consumerCount: number };

function vhostOf(url: string): string {
  const path = new URL(url).pathname.slice(1);
  return path === '' ? '/' : decodeURIComponent(path);
}

function unackedSource(options: MonitorQueuesOptions): UnackedSource {
  if (options.prometheusUrl) return { kind: 'prometheus', url: options.prometheusUrl };
  if (options.managementUrl) return { kind: 'management', url: options.managementUrl };
  return { kind: 'none' };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class Sampler implements QueueMonitor {
  readonly #options: MonitorQueuesOptions;
  readonly #vhost: string;
  readonly #source: UnackedSource;
  readonly #timeoutMs: number;
  readonly #failing = new Set<string>();
  readonly #loop: SamplingLoop;
  #connection: Amqp.ChannelModel | undefined;
  #channel: Amqp.Channel | undefined;

  constructor(options: MonitorQueuesOptions) {
    this.#options = options;
    this.#vhost = vhostOf(options.url);
    this.#source = unackedSource(options);
    const { intervalMs, timeoutMs } = samplingTiming('monitorQueues', options);
    this.#timeoutMs = timeoutMs;
    this.#loop = new SamplingLoop(
      () => this.#sample(),
      (error) => this.#report('sampler', 'amqp', error),
      intervalMs,
    );
  }

  sampleNow(): Promise<void> {
    return this.#loop.sampleNow();
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    const connection = this.#connection;
    this.#connection = undefined;
    this.#channel = undefined;
    await connection?.close().catch(() => undefined);
    for (const queue of this.#options.queues) this.#publish(queue, undefined, undefined);
  }

  async #sample(): Promise<void> {
    const { queues } = this.#options;
    const unacked = fetchUnacked(this.#source, this.#vhost, queues, this.#timeoutMs).then(
      (counts) => (this.#report('unacked', this.#source.kind), counts),
      (error: unknown) => (this.#report('unacked', this.#source.kind, error), undefined),
    );
    const checked = new Map<string, CheckResult>();
    const broker = await this.#openChannel().then(
      () => (this.#report('broker', 'amqp'), true),
      (error: unknown) => (this.#report('broker', 'amqp', error), false),
    );
    for (const queue of broker ? queues : []) {
      try {
        checked.set(queue, await this.#check(queue));
        this.#report(`queue ${queue}`, 'amqp', undefined, queue);
      } catch (error) {
        this.#report(`queue ${queue}`, 'amqp', error, queue);
      }
    }
    const counts = await unacked;
    if (this.#loop.stopped) return;
    for (const queue of queues) this.#publish(queue, checked.get(queue), counts?.get(queue));
  }

  async #check(queue: string): Promise<CheckResult> {
    const channel = await this.#openChannel();
    try {
      return await channel.checkQueue(queue);
    } catch (error) {
      // A failed passive check (no such queue) makes the broker close the channel: the next
      // queue gets a fresh one.
      if (this.#channel === channel) this.#channel = undefined;
      channel.close().catch(() => undefined);
      throw error;
    }
  }

  async #openChannel(): Promise<Amqp.Channel> {
    if (this.#channel) return this.#channel;
    if (!this.#connection) {
      // Loaded here, not at the top: the package must not require amqplib unless this is used.
      const loaded = (await import('amqplib')) as typeof Amqp & { default?: typeof Amqp };
      const amqplib = loaded.default ?? loaded;
      const connection = await amqplib.connect(this.#options.url, { timeout: this.#timeoutMs });
      // Without an 'error' listener a dropped connection would crash the process.
      connection.on('error', () => undefined);
      connection.on('close', () => {
        if (this.#connection === connection) [this.#connection, this.#channel] = [undefined, undefined];
      });
      this.#connection = connection;
    }
    const channel = await this.#connection.createChannel();
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (this.#channel === channel) this.#channel = undefined;
    });
    this.#channel = channel;
    return channel;
  }

  #publish(queue: string, checked: CheckResult | undefined, unacked: number | undefined): void {
    const { metrics } = getRuntime();
    const depth = metrics.gauge('messagingQueueDepth');
    const consumers = metrics.gauge('messagingQueueConsumers');
    const labels = { messaging_system: MESSAGING_SYSTEM, messaging_destination_name: queue };
    if (checked) {
      depth.set({ ...labels, state: 'ready' }, checked.messageCount);
      consumers.set(labels, checked.consumerCount);
    } else {
      depth.remove({ ...labels, state: 'ready' });
      consumers.remove(labels);
    }
    if (checked && unacked !== undefined) depth.set({ ...labels, state: 'unacked' }, unacked);
    else depth.remove({ ...labels, state: 'unacked' });
  }

  /** Logs when `what` starts failing and when it recovers; silent while its state holds. */
  #report(what: string, source: string, error?: unknown, queue?: string): void {
    const wasFailing = this.#failing.has(what);
    if ((error !== undefined) === wasFailing) return;
    const fields: Record<string, unknown> = { [logFields.queueSampleSource]: source };
    if (queue !== undefined) fields[logFields.messagingDestinationName] = queue;
    const { log } = getRuntime();
    if (error !== undefined) {
      this.#failing.add(what);
      log.log(
        'warn',
        `Queue sampling failed for ${what} (${source}): ${messageOf(error)}; its series are cleared`,
        {
          ...fields,
          [logFields.eventAction]: logActions.queueSampleFailed,
          [logFields.errorMessage]: messageOf(error),
        },
      );
    } else {
      this.#failing.delete(what);
      log.log('info', `Queue sampling recovered for ${what} (${source})`, {
        ...fields,
        [logFields.eventAction]: logActions.queueSampleRecovered,
      });
    }
  }
}

/**
 * Samples `queues` every `intervalMs` (first sample at once): ready messages and consumers by
 * a passive AMQP check, unacknowledged messages from RabbitMQ's Prometheus endpoint or
 * management API when given (no `unacked` series otherwise). Requires `amqplib`, loaded on the
 * first sample. Never throws into the app once started; failures are logged once per change.
 *
 * @throws TypeError at call time if `url` is not a URL, `queues` is not an array of names, or
 * `intervalMs` is not a positive number.
 */
export function monitorQueues(options: MonitorQueuesOptions): QueueMonitor {
  if (typeof options?.url !== 'string' || !URL.canParse(options.url)) {
    throw new TypeError(
      `monitorQueues: url must be an AMQP URL (amqp://user:pass@host:5672/vhost), got ${options?.url}`,
    );
  }
  if (
    !Array.isArray(options.queues) ||
    !options.queues.every((queue) => typeof queue === 'string' && queue !== '')
  ) {
    throw new TypeError('monitorQueues: queues must be an array of queue names');
  }
  return new Sampler(options);
}
