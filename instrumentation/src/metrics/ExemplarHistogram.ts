/**
 * prom-client's histogram with a fast `observe` for series it has seen before. With exemplars on,
 * prom-client validates the labels, sorts and joins them into a hash, and searches the buckets
 * twice per observation (once for the count, once for the exemplar); on the HTTP server's hot
 * path that was a tenth of Faultline's cost per request. Here a series is found by its label
 * values in label-name order, and its bucket once; the series entry is prom-client's own (the
 * same object its exposition reads), created by prom-client on a series' first observation so
 * that validation and errors stay prom-client's. Anything unusual takes prom-client's path.
 */
import { Histogram, type HistogramConfiguration } from 'prom-client';

/** prom-client's per-series record (lib/histogram.js `createBaseValues`). */
interface SeriesEntry {
  readonly labels: Record<string, string | number>;
  readonly bucketValues: Record<number, number>;
  bucketExemplars?: Record<number, Exemplar | null>;
  sum: number;
  count: number;
}

interface Exemplar {
  labelSet: Record<string, string>;
  value: number;
  timestamp: number;
}

interface Observation {
  labels?: Record<string, string | number | undefined>;
  value: number;
  exemplarLabels?: Record<string, string>;
}

type Internals = {
  hashMap: Record<string, SeriesEntry>;
  upperBounds: readonly number[];
  labelNames: readonly string[];
};

const SERIES_CACHE_LIMIT = 10_000;

/** Series by label value, one level per label name (no key string built per observation). */
type SeriesTree = Map<string | number | typeof ABSENT, SeriesTree | SeriesEntry>;

/** The tree's key for a label the observation leaves out (prom-client leaves it off the series). */
const ABSENT: unique symbol = Symbol('absent label');

function treeKey(value: string | number | undefined): string | number | typeof ABSENT {
  return value === undefined ? ABSENT : value;
}

function sameLabelValue(
  recorded: string | number | undefined,
  observed: string | number | undefined,
): boolean {
  if (recorded === undefined || observed === undefined) return recorded === observed;
  return String(recorded) === String(observed);
}

/** A histogram with exemplars whose repeated observations skip prom-client's per-call work. */
export class ExemplarHistogram<T extends string = string> extends Histogram<T> {
  #series: SeriesTree = new Map();
  #cached = 0;

  constructor(configuration: HistogramConfiguration<T>) {
    super({ ...configuration, enableExemplars: true });
    const slow = this.observe as unknown as (observation: Observation) => void;
    const fast = (observation: Observation): void => {
      if (!this.#observeFast(observation)) slow.call(this, observation);
    };
    this.observe = fast as unknown as Histogram<T>['observe'];
    const remove = this.remove as (...args: unknown[]) => void;
    this.remove = ((...args: unknown[]) => {
      this.#forget();
      remove.apply(this, args);
    }) as Histogram<T>['remove'];
  }

  override reset(): void {
    // prom-client's constructor calls reset() before this class's fields exist.
    if (#series in this) this.#forget();
    super.reset();
  }

  #forget(): void {
    this.#series = new Map();
    this.#cached = 0;
  }

  override zero(labels: Parameters<Histogram<T>['zero']>[0]): void {
    this.#forget();
    super.zero(labels);
  }

  /** Records `observation` if its series is known; false to leave it to prom-client. */
  #observeFast(observation: Observation): boolean {
    if (observation === null || typeof observation !== 'object') return false;
    const { value, labels, exemplarLabels } = observation;
    if (typeof value !== 'number' || !Number.isFinite(value) || labels === undefined) return false;
    if (exemplarLabels !== undefined && !isTraceIdOnly(exemplarLabels)) return false;
    const internals = this as unknown as Internals;
    const names = internals.labelNames;
    let node: SeriesTree | SeriesEntry | undefined = this.#series;
    for (let i = 0; i < names.length && node !== undefined; i++) {
      node = (node as SeriesTree).get(treeKey(labels[names[i]!]));
    }
    if (node === undefined) {
      this.#learn(labels, observation);
      return true;
    }
    const entry = node as SeriesEntry;
    const bounds = internals.upperBounds;
    let bound = -1;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        bound = bounds[i]!;
        break;
      }
    }
    entry.sum += value;
    entry.count += 1;
    // Above the largest bound: only +Inf counts it (from `count`), but it keeps the exemplar (-1).
    if (bound !== -1) (entry.bucketValues as Record<number, number>)[bound]! += 1;
    if (exemplarLabels !== undefined && entry.bucketExemplars !== undefined) {
      const exemplar = entry.bucketExemplars[bound];
      const timestamp = Date.now() / 1000;
      if (exemplar) {
        exemplar.labelSet = exemplarLabels;
        exemplar.value = value;
        exemplar.timestamp = timestamp;
      } else {
        entry.bucketExemplars[bound] = { labelSet: exemplarLabels, value, timestamp };
      }
    }
    return true;
  }

  /** Lets prom-client record a series' first observation, then remembers its entry. */
  #learn(labels: Record<string, string | number | undefined>, observation: Observation): void {
    const internals = this as unknown as Internals;
    const before = Object.keys(internals.hashMap).length;
    (
      Histogram.prototype as unknown as { observeWithExemplar(o: Observation): void }
    ).observeWithExemplar.call(this, observation);
    if (this.#cached >= SERIES_CACHE_LIMIT) return;
    const names = internals.labelNames;
    const entries = Object.values(internals.hashMap);
    // A new series was appended last; otherwise search for the one with these label values.
    const candidates = entries.length > before ? [entries[entries.length - 1]!, ...entries] : entries;
    const entry = candidates.find((candidate) =>
      names.every((name) => sameLabelValue(candidate.labels[name], labels[name])),
    );
    if (entry === undefined || names.length === 0) return;
    let node = this.#series;
    for (let i = 0; i < names.length - 1; i++) {
      const labelValue = treeKey(labels[names[i]!]);
      let next = node.get(labelValue) as SeriesTree | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(labelValue, next);
      }
      node = next;
    }
    node.set(treeKey(labels[names[names.length - 1]!]), entry);
    this.#cached++;
  }
}

function isTraceIdOnly(labels: Record<string, string>): boolean {
  let count = 0;
  for (const name in labels) {
    if (name !== 'trace_id' || typeof labels[name] !== 'string' || labels[name].length > 64) return false;
    count++;
  }
  return count === 1;
}
