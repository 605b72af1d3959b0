/**
 * The one object that owns Faultline's metrics: it creates every catalogue metric on first use,
 * adds the `service` label to every series, and renders the exposition. Metrics only hold values.
 */
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
  type OpenMetricsContentType,
} from 'prom-client';
import { SERVICE_LABEL, metrics, type LabelsOf, type MetricKey } from '../catalogue/index.ts';
import { ExemplarHistogram } from './ExemplarHistogram.ts';
import { renderExposition, type ExpositionFormat } from './exposition.ts';

/** Options of a {@link MetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Value of the `service` label on every series. */
  readonly service: string;
  /** Collect prom-client's default process metrics (CPU, memory, event loop, GC). */
  readonly defaultMetrics: boolean;
}

const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

interface Collectable {
  get(): Promise<MetricObjectWithValues<MetricValue<string>>>;
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

/**
 * Catalogue metrics on a prom-client registry. `counter`, `gauge` and `histogram` return the
 * same instance for the same key, so any module may ask for a metric without coordinating.
 */
export class MetricsRegistry {
  /** The underlying prom-client registry; an app may register its own metrics on it. */
  readonly registry: Registry<OpenMetricsContentType>;
  readonly #defaultLabels: Record<string, string>;
  readonly #created = new Map<MetricKey, AnyMetric>();
  readonly #collectHooks: (() => void)[] = [];

  constructor(options: MetricsRegistryOptions) {
    // OpenMetrics content type is what lets prom-client keep exemplars; rendering is ours.
    // prom-client's typings omit the constructor's content-type argument that its code takes.
    const OpenMetricsRegistry = Registry as unknown as new (type: string) => Registry<OpenMetricsContentType>;
    this.registry = new OpenMetricsRegistry(Registry.OPENMETRICS_CONTENT_TYPE);
    this.#defaultLabels = { [SERVICE_LABEL]: options.service };
    if (options.defaultMetrics) {
      collectDefaultMetrics({ register: this.registry });
      // Gauges named like counters fail `promtool check metrics`; `nodejs_active_handles{type}`
      // and its siblings carry the same numbers by type.
      for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(name);
    }
  }

  /** The catalogue counter `key`. Throws if `key` is not a counter in the catalogue. */
  counter<K extends MetricKey>(key: K): Counter<LabelsOf<K>> {
    return this.#get(key, 'counter') as Counter<LabelsOf<K>>;
  }

  /** The catalogue gauge `key`. Throws if `key` is not a gauge in the catalogue. */
  gauge<K extends MetricKey>(key: K): Gauge<LabelsOf<K>> {
    return this.#get(key, 'gauge') as Gauge<LabelsOf<K>>;
  }

  /** The catalogue histogram `key` (with exemplars enabled). Throws if it is not a histogram. */
  histogram<K extends MetricKey>(key: K): Histogram<LabelsOf<K>> {
    return this.#get(key, 'histogram') as Histogram<LabelsOf<K>>;
  }

  /**
   * Registers `hook` to run just before every render: the place to set gauges that mirror a
   * live value (a queue's length) without paying for it on every change.
   */
  onCollect(hook: () => void): void {
    this.#collectHooks.push(hook);
  }

  /** Renders every metric of the registry in the given exposition format. */
  async render(format: ExpositionFormat): Promise<string> {
    for (const hook of this.#collectHooks) {
      try {
        hook();
      } catch {
        // A broken hook must not cost the whole scrape.
      }
    }
    const families = await Promise.all(
      this.registry.getMetricsAsArray().map((metric) => (metric as unknown as Collectable).get()),
    );
    return renderExposition(families, format, this.#defaultLabels);
  }

  #get(
    key: MetricKey,
    type: AnyMetric extends unknown ? 'counter' | 'gauge' | 'histogram' : never,
  ): AnyMetric {
    const existing = this.#created.get(key);
    if (existing) return existing;
    const def = metrics[key];
    if (def.type !== type) throw new TypeError(`Catalogue metric ${key} is a ${def.type}, not a ${type}`);
    const common = {
      name: def.name,
      help: def.help,
      labelNames: [...def.labelNames],
      registers: [this.registry],
    };
    let metric: AnyMetric;
    if (def.type === 'counter') metric = new Counter(common);
    else if (def.type === 'gauge') metric = new Gauge(common);
    else metric = new ExemplarHistogram({ ...common, buckets: [...(def.buckets ?? [])] });
    this.#created.set(key, metric);
    return metric;
  }
}
