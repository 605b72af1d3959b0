/**
 * What the console reads from the real Prometheus: the health of every service instance,
 * the state of every circuit breaker, and queue and dead-letter depths. Metric names and
 * selectors come from the signal catalogue and the alerts' config point, never spelled here.
 */
import { metrics } from '@faultline/instrumentation';
import { defaultConfig } from '@faultline/alerts';

/** Prometheus did not answer, or answered an error; the message names the query. */
export class PrometheusQueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PrometheusQueryError';
  }
}

/** One sample of an instant vector. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A scrape target of a service instance, up or down. */
export interface InstanceHealth {
  readonly service: string;
  readonly instance: string;
  readonly up: boolean;
}

/** The state a breaker of one instance is in. */
export interface BreakerStatus {
  readonly service: string;
  readonly instance: string;
  readonly breaker: string;
  readonly state: 'closed' | 'open' | 'half_open';
}

/** Messages in one queue. */
export interface QueueDepth {
  readonly queue: string;
  readonly ready: number;
  readonly unacked: number;
  /** A dead-letter queue: nobody consumes it, its messages wait for a human. */
  readonly deadLetter: boolean;
}

const { selectors } = defaultConfig;
const BREAKER_STATES = new Set(['closed', 'open', 'half_open']);

/** Queries that `PrometheusSource` runs, exported so tests and docs show them. */
export const queries = {
  health: `up{${selectors.services}}`,
  /**
   * The `service` of each instance, from a series every instrumented process exports, over an
   * hour so an instance that is down now keeps its name (the `up` series has no `service`
   * unless the scrape config adds one).
   */
  serviceNames: `max by (instance, service) (last_over_time(process_start_time_seconds{${selectors.services}}[1h]))`,
  breakers: `${metrics.breakerState.name}{${selectors.services}} == 1`,
  workQueues: `max by (messaging_destination_name, state) (${metrics.messagingQueueDepth.name}{${selectors.workQueues}})`,
  deadLetterQueues: `max by (messaging_destination_name, state) (${metrics.messagingQueueDepth.name}{${selectors.deadLetterQueues}})`,
} as const;

function byName<T extends { service: string; instance: string }>(a: T, b: T): number {
  return a.service.localeCompare(b.service) || a.instance.localeCompare(b.instance);
}

/** Groups `state`-labelled depth samples into one row per queue. Pure. */
export function queueDepths(samples: readonly Sample[], deadLetter: boolean): QueueDepth[] {
  const rows = new Map<string, { ready: number; unacked: number }>();
  for (const sample of samples) {
    const queue = sample.labels.messaging_destination_name ?? '';
    const row = rows.get(queue) ?? { ready: 0, unacked: 0 };
    if (sample.labels.state === 'ready') row.ready = sample.value;
    if (sample.labels.state === 'unacked') row.unacked = sample.value;
    rows.set(queue, row);
  }
  return [...rows.entries()]
    .map(([queue, row]) => ({ queue, ...row, deadLetter }))
    .sort((a, b) => a.queue.localeCompare(b.queue));
}

/** Instant queries against one Prometheus. */
export class PrometheusSource {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, timeoutMs = 1500) {
    this.#baseUrl = baseUrl;
    this.#timeoutMs = timeoutMs;
  }

  /** Runs an instant query; rejects with PrometheusQueryError if it fails or is not a vector. */
  async query(expr: string): Promise<Sample[]> {
    const url = `${this.#baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`;
    let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown[] } };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new PrometheusQueryError(`Prometheus at ${this.#baseUrl} did not answer ${expr}`, {
        cause: error,
      });
    }
    if (body.status !== 'success' || body.data?.resultType !== 'vector') {
      throw new PrometheusQueryError(`Prometheus refused ${expr}: ${body.error ?? 'not an instant vector'}`);
    }
    return (body.data.result ?? []).map((item) => {
      const { metric, value } = item as { metric: Record<string, string>; value: [number, string] };
      return { labels: metric, value: Number(value[1]) };
    });
  }

  /** Every service instance Prometheus scrapes, up or down. */
  async health(): Promise<InstanceHealth[]> {
    const [up, names] = await Promise.all([this.query(queries.health), this.query(queries.serviceNames)]);
    const serviceOf = new Map(names.map((s) => [s.labels.instance, s.labels.service]));
    return up
      .map((s) => {
        const instance = s.labels.instance ?? '';
        return { service: s.labels.service ?? serviceOf.get(instance) ?? '', instance, up: s.value === 1 };
      })
      .sort(byName);
  }

  /** The state of every breaker, per instance. */
  async breakers(): Promise<BreakerStatus[]> {
    const samples = await this.query(queries.breakers);
    return samples
      .filter((s) => BREAKER_STATES.has(s.labels.state ?? ''))
      .map((s) => ({
        service: s.labels.service ?? '',
        instance: s.labels.instance ?? '',
        breaker: s.labels.breaker ?? '',
        state: s.labels.state as BreakerStatus['state'],
      }))
      .sort((a, b) => byName(a, b) || a.breaker.localeCompare(b.breaker));
  }

  /** Depth of every work queue, then every dead-letter queue. */
  async queues(): Promise<QueueDepth[]> {
    const [work, dead] = await Promise.all([
      this.query(queries.workQueues),
      this.query(queries.deadLetterQueues),
    ]);
    return [...queueDepths(work, false), ...queueDepths(dead, true)];
  }
}
