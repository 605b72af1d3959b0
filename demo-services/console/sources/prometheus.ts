/**
 * What the console reads from the real Prometheus: the health of every service instance,
 * the state of every circuit breaker, and queue and dead-letter depths. Metric names and
 * selectors come from the signal catalogue and the alerts' config point, never spelled here.
 */
import { metrics } from '@faultline/instrumentation';
import { brokerQueueSeries, defaultConfig } from '@faultline/alerts';

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

/** One series of a range query: `[unix ms, value]` points. */
export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: readonly (readonly [number, number])[];
}

/** The time range and resolution of a range query. */
export interface RangeWindow {
  readonly start: Date;
  readonly end: Date;
  readonly stepSeconds: number;
}

/** An exemplar with a trace id: one request behind a point of a series. */
export interface Exemplar {
  readonly seriesLabels: Readonly<Record<string, string>>;
  readonly traceId: string;
  readonly at: number;
  readonly value: number;
}

interface PrometheusData {
  resultType?: string;
  result?: unknown[];
}

interface ExemplarGroup {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

function rangeParams(expr: string, window: RangeWindow): Record<string, string> {
  return {
    query: expr,
    start: String(window.start.getTime() / 1000),
    end: String(window.end.getTime() / 1000),
    step: String(window.stepSeconds),
  };
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
  /** The broker's own counts (they outlive the consumers), as the alerts and dashboards read them. */
  workQueues: brokerDepths(selectors.workQueues),
  deadLetterQueues: brokerDepths(selectors.deadLetterQueues),
} as const;

/** Ready and unacknowledged messages of the queues `queues` selects, labelled by `state`. */
function brokerDepths(queues: string): string {
  const { ready, unacked } = defaultConfig.queueMetrics;
  const state = (metric: string, name: string) =>
    `label_replace(${brokerQueueSeries(defaultConfig, metric, queues)}, "state", "${name}", "", "")`;
  return `${state(ready, 'ready')} or ${state(unacked, 'unacked')}`;
}

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

  async #api(route: string, params: Record<string, string>, expr: string): Promise<PrometheusData> {
    const url = `${this.#baseUrl}/api/v1/${route}?${new URLSearchParams(params).toString()}`;
    let body: { status?: string; error?: string; data?: PrometheusData };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new PrometheusQueryError(`Prometheus at ${this.#baseUrl} did not answer ${expr}`, {
        cause: error,
      });
    }
    if (body.status !== 'success' || body.data === undefined)
      throw new PrometheusQueryError(`Prometheus refused ${expr}: ${body.error ?? 'no data'}`);
    return body.data;
  }

  /** Runs an instant query; rejects with PrometheusQueryError if it fails or is not a vector. */
  async query(expr: string): Promise<Sample[]> {
    const data = await this.#api('query', { query: expr }, expr);
    if (data.resultType !== 'vector')
      throw new PrometheusQueryError(`Prometheus refused ${expr}: not an instant vector`);
    return (data.result ?? []).map((item) => {
      const { metric, value } = item as { metric: Record<string, string>; value: [number, string] };
      return { labels: metric, value: Number(value[1]) };
    });
  }

  /** Runs a range query over `window`; points are `[unix ms, value]`. Rejects with PrometheusQueryError. */
  async range(expr: string, window: RangeWindow): Promise<RangeSeries[]> {
    const data = await this.#api('query_range', rangeParams(expr, window), expr);
    return (data.result ?? []).map((item) => {
      const { metric, values } = item as { metric: Record<string, string>; values: [number, string][] };
      return { labels: metric, points: values.map(([t, v]) => [t * 1000, Number(v)] as const) };
    });
  }

  /**
   * The exemplars of `expr`'s series over `window` that carry a `trace_id`. Rejects with
   * PrometheusQueryError; empty when Prometheus stores no exemplars.
   */
  async exemplars(expr: string, window: RangeWindow): Promise<Exemplar[]> {
    const { step: _step, ...params } = rangeParams(expr, window);
    const data = await this.#api('query_exemplars', params, expr);
    const groups = (data as unknown as ExemplarGroup[] | undefined) ?? [];
    return groups.flatMap((group) =>
      group.exemplars.flatMap((e) =>
        e.labels.trace_id
          ? [
              {
                seriesLabels: group.seriesLabels,
                traceId: e.labels.trace_id,
                at: e.timestamp * 1000,
                value: Number(e.value),
              },
            ]
          : [],
      ),
    );
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
