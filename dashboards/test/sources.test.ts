/**
 * Where the panels read what they show: the Queues dashboard's depth and consumers from the
 * broker's own endpoint (it outlives every consumer), never from a series a consumer publishes;
 * and the SLO dashboard's windows from the request and error rates the rules record, never from
 * the raw request counters over hours or days.
 */
import { dashboardUids, loadDashboardsConfig, monitoring } from '../src/config.ts';
import { metricNames } from '../src/metricNames.ts';
import { queryPanelsOf, targetsOf, type PanelTarget } from '../src/model.ts';
import { renderDashboards } from '../src/render.ts';

const rendered = renderDashboards(loadDashboardsConfig({}));

function targets(uid: string): PanelTarget[] {
  const found = rendered.find((d) => d.dashboard.uid === uid);
  if (!found) throw new Error(`no dashboard ${uid}`);
  return queryPanelsOf(found.dashboard).flatMap(targetsOf);
}

/** Range selectors (`name{...}[range]`) of an expression: the series read and the range. */
function rangeReads(expr: string): Array<{ name: string; range: string }> {
  return [
    ...expr.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})?\[([^\]]+)\]/g),
  ].map((m) => ({ name: m[1] ?? '', range: m[2] ?? '' }));
}

describe('the Queues dashboard', () => {
  const { ready, unacked, consumers } = monitoring.queueMetrics;

  it.each(['Queue depth', 'Consumers', 'Dead-letter queue depth'])(
    '"%s" reads only the broker’s own queue series',
    (title) => {
      const exprs = targets(dashboardUids.queues)
        .filter((t) => t.panelTitle === title)
        .map((t) => t.expr);
      expect(exprs.length).toBeGreaterThan(0);
      for (const expr of exprs) {
        const names = metricNames(expr);
        expect(names.length).toBeGreaterThan(0);
        expect(names.filter((name) => ![ready, unacked, consumers].includes(name))).toEqual([]);
      }
    },
  );
});

describe('the SLO dashboard', () => {
  it('reads no raw series over a range but Grafana’s rate interval: longer windows sum the recorded rates', () => {
    const raw = targets(dashboardUids.slo).flatMap((t) =>
      rangeReads(t.expr)
        .filter((read) => !read.name.includes(':') && read.range !== '$__rate_interval')
        .map((read) => `${t.panelTitle}: ${read.name}[${read.range}]`),
    );
    expect(raw).toEqual([]);
  });

  it('still shows the SLO period: its availability sums the recorded rates over it', () => {
    const [slo] = monitoring.slos;
    const availability = targets(dashboardUids.slo).find((t) =>
      t.panelTitle.startsWith(`Availability (${slo?.period}`),
    );
    expect(rangeReads(availability?.expr ?? '').map((read) => read.range)).toContain(slo?.period);
  });
});
