/**
 * The dashboards read only metrics the signal catalogue defines (the names are the contract),
 * plus Prometheus's own `up`; and every catalogue metric is shown somewhere.
 */
import { metrics } from '../src/catalogue.ts';
import { loadDashboardsConfig } from '../src/config.ts';
import { metricNames } from '../src/metricNames.ts';
import { queryPanelsOf, targetsOf, variablesOf } from '../src/model.ts';
import { renderDashboards } from '../src/render.ts';

/** Series Prometheus writes itself for every scrape target. */
const PROMETHEUS_OWN = ['up'];

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
  it('are all catalogue series (or Prometheus’s own up)', () => {
    const unknown = queries.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !catalogueSeries.has(name) && !PROMETHEUS_OWN.includes(name))
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
        .filter((def) => !shown.has(def.name))
        .map((def) => def.name),
    ).toEqual([]);
  });
});
