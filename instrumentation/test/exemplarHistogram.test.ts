/**
 * The fast histogram must be indistinguishable from prom-client's own: same series, buckets,
 * sums, counts and exemplars for the same observations, also after reset and remove.
 */
import { Histogram, Registry } from 'prom-client';
import { ExemplarHistogram } from '../src/metrics/ExemplarHistogram.ts';

type Labels = 'route' | 'status';
const buckets = [0.01, 0.1, 1];

function openMetricsRegistry(): Registry {
  // prom-client's typings omit the constructor's content-type argument.
  const OpenMetrics = Registry as unknown as new (type: string) => Registry;
  return new OpenMetrics(Registry.OPENMETRICS_CONTENT_TYPE);
}

function pair(): { fast: ExemplarHistogram<Labels>; reference: Histogram<Labels> } {
  const config = {
    help: 'h',
    labelNames: ['route', 'status'] as Labels[],
    buckets,
    registers: [openMetricsRegistry()],
  };
  return {
    fast: new ExemplarHistogram<Labels>({ ...config, name: 'fast_seconds' }),
    reference: new Histogram<Labels>({ ...config, name: 'reference_seconds', enableExemplars: true }),
  };
}

type Observe = (observation: object) => void;

function observeBoth(h: ReturnType<typeof pair>, observation: object): void {
  (h.fast.observe as unknown as Observe)(observation);
  (h.reference.observe as unknown as Observe)(observation);
}

async function snapshot(histogram: Histogram<Labels>): Promise<unknown> {
  const { values } = await histogram.get();
  return values
    .map((value) => {
      const { exemplar } = value as { exemplar?: { labelSet: object; value: number } | null };
      return {
        name: (value.metricName ?? '').replace(/^(fast|reference)_seconds/, 'x'),
        labels: value.labels,
        value: value.value,
        exemplar: exemplar ? { labelSet: exemplar.labelSet, value: exemplar.value } : null,
      };
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('ExemplarHistogram', () => {
  it('records exactly what prom-client records, exemplars included', async () => {
    const h = pair();
    const routes = ['/a', '/b/:id', 'unmatched'];
    let seed = 7;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 2000; i++) {
      const labels = { route: routes[i % 3]!, status: i % 7 === 0 ? '500' : '200' };
      const value = random() * 2; // some above the largest bucket
      const observation =
        i % 5 === 0 ? { labels, value } : { labels, value, exemplarLabels: { trace_id: `t${i}` } };
      observeBoth(h, observation);
    }
    expect(await snapshot(h.fast)).toEqual(await snapshot(h.reference));
  });

  it('stays correct after reset and remove, and rejects what prom-client rejects', async () => {
    const h = pair();
    observeBoth(h, { labels: { route: '/a', status: '200' }, value: 0.05 });
    observeBoth(h, { labels: { route: '/a', status: '200' }, value: 0.05 });
    h.fast.reset();
    h.reference.reset();
    observeBoth(h, { labels: { route: '/a', status: '200' }, value: 0.5, exemplarLabels: { trace_id: 'x' } });
    observeBoth(h, { labels: { route: '/b', status: '200' }, value: 0.5 });
    h.fast.remove({ route: '/b', status: '200' });
    h.reference.remove({ route: '/b', status: '200' });
    observeBoth(h, { labels: { route: '/b', status: '200' }, value: 0.005 });
    expect(await snapshot(h.fast)).toEqual(await snapshot(h.reference));
    const fastObserve = h.fast.observe as unknown as Observe;
    expect(() => fastObserve({ labels: { route: '/a', status: '200' }, value: Number.NaN })).toThrow(
      TypeError,
    );
    expect(() => fastObserve({ labels: { nope: 'x' }, value: 1 })).toThrow(/label/i);
  });

  it('records series that leave a label out like prom-client, and learns them after their first observation', async () => {
    // The HTTP server leaves error_type off successful requests: those series must stay fast.
    const h = pair();
    const observeAll = (histogram: Histogram<Labels>): void => {
      for (let i = 0; i < 300; i++) {
        const labels = i % 3 === 0 ? { route: '/a' } : { route: '/a', status: i % 2 ? '500' : 'undefined' };
        (histogram.observe as unknown as Observe)({
          labels,
          value: i / 100,
          exemplarLabels: { trace_id: `t${i}` },
        });
      }
    };
    const prototype = Histogram.prototype as unknown as { updateExemplar: (...args: unknown[]) => void };
    const slowPath = jest.spyOn(prototype, 'updateExemplar');
    try {
      observeAll(h.fast);
      // One slow (prom-client) observation per distinct series: no status, "500" and "undefined".
      expect(slowPath).toHaveBeenCalledTimes(3);
    } finally {
      slowPath.mockRestore();
    }
    observeAll(h.reference);
    expect(await snapshot(h.fast)).toEqual(await snapshot(h.reference));
  });
});
