/**
 * The dashboards read only metrics the signal catalogue defines (the names are the contract),
 * plus Prometheus's own `up`, the broker's queue series and the SLO's recording rules; and every
 * catalogue metric is shown somewhere, but the queue monitor's (see NOT_SHOWN).
 */
import { errorsRecord, requestsRecord } from '@faultline/alerts';
import { metrics } from '../src/catalogue.ts';
import { loadDashboardsConfig, monitoring } from '../src/config.ts';
import { metricNames } from '../src/metricNames.ts';
import { queryPanelsOf, targetsOf, variablesOf } from '../src/model.ts';
import { renderDashboards } from '../src/render.ts';

/**
 * Series the dashboards read that no Faultline process writes: Prometheus's own `up`, the
 * broker's queue series the shared config names, and the SLO's recording rules.
 */
const sloBaseWindows = monitoring.slos.flatMap((slo) => slo.recordedWindows.slice(0, 1));
const NOT_CATALOGUE = [
  'up',
  monitoring.queueMetrics.ready,
  monitoring.queueMetrics.unacked,
  monitoring.queueMetrics.consumers,
  ...sloBaseWindows.flatMap((window) => [requestsRecord(window), errorsRecord(window)]),
];

/**
 * Catalogue metrics no panel shows, and why: the queue monitor's depth and consumers are
 * published by whoever runs the monitor (in the demo, the queue's own consumer), so they die
 * with the consumers; the Queues dashboard reads the broker's own endpoint instead.
 */
const NOT_SHOWN = [metrics.messagingQueueDepth.name, metrics.messagingQueueConsumers.name];

const seriesOf = (name: string, type: string): string[] =>
  type === 'histogram' ? [`${name}_bucket`, `${name}_count`, `${name}_sum`] : [name];
const catalogueSeries = new Map(
  Object.values(metrics).flatMap((def) =>
    seriesOf(def.name, def.type).map((series) => [series, def.name] as const),
  ),
);

const queries = renderDashboards(loadDashboardsConfig({})).flatMap((d) => [
  ...queryPanelsOf(d.dashboard)
    .flatMap(targetsOf)
    .map((t) => ({ where: `${d.file} "${t.panelTitle}" ${t.refId}`, expr: t.expr })),
  ...variablesOf(d.dashboard)
    .filter((v) => v.type === 'query')
    .map((v) => ({
      where: `${d.file} $${v.name}`,
      expr: String(v.query).replace(/^label_values\((.*),[^,]*\)$/, '$1'),
    })),
]);

describe('metric names in the dashboards', () => {
  it('are all catalogue series (or Prometheus’s own up, the broker’s queue series, the SLO records)', () => {
    const unknown = queries.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !catalogueSeries.has(name) && !NOT_CATALOGUE.includes(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(queries.length).toBeGreaterThan(50);
    expect(unknown).toEqual([]);
  });

  it('cover every metric of the catalogue', () => {
    const shown = new Set(
      queries.flatMap(({ expr }) => metricNames(expr).map((name) => catalogueSeries.get(name))),
    );
    expect(
      Object.values(metrics)
        .filter((def) => !shown.has(def.name) && !NOT_SHOWN.includes(def.name))
        .map((def) => def.name),
    ).toEqual([]);
  });
});
