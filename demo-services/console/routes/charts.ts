/**
 * `GET /api/charts`: the charts the page may draw; `GET /api/charts/:key?minutes=`: one chart's
 * series over the last minutes (1 to 60, default 10), run on Prometheus through `query_range`,
 * with the exemplars of its latency panels and the fault periods to mark. The browser names a
 * chart; it can never send a query. Unknown chart: 404; Prometheus down: 502 with the reason.
 */
import { seriesName } from '@faultline/dashboards';
import { Router } from 'express';
import type { ResolvedChart } from '../charts/panelQueries.ts';
import { describeError } from '../errors.ts';
import type { FaultPeriod, FaultTimeline } from '../faultTimeline.ts';
import { orderTrace, type LinkBases } from '../links.ts';
import type { PrometheusSource, RangeWindow } from '../sources/prometheus.ts';
import { TRACE_ID } from '../tracePanels.ts';

/** What the chart routes read. */
export interface ChartDeps {
  readonly charts: readonly ResolvedChart[];
  readonly prometheus: PrometheusSource;
  readonly faultTimeline: FaultTimeline;
  readonly links: LinkBases;
}

/** A chart's data as the page draws it. */
export interface ChartData {
  readonly key: string;
  readonly title: string;
  readonly unit: string;
  readonly display: ResolvedChart['display'];
  readonly origin: string;
  readonly start: number;
  readonly end: number;
  readonly series: readonly {
    readonly name: string;
    readonly points: readonly (readonly [number, number])[];
  }[];
  readonly exemplars: readonly {
    readonly series: string;
    readonly traceId: string;
    readonly at: number;
    readonly value: number;
    readonly href: string | undefined;
  }[];
  readonly faults: readonly FaultPeriod[];
}

/** Default and largest window of a chart, in minutes. */
export const CHART_MINUTES = { default: 10, max: 60 } as const;

/** `?minutes=`: 1 to {@link CHART_MINUTES}.max in plain digits, else the default. Pure. */
export function chartWindow(minutes: unknown, now = new Date()): RangeWindow {
  const asked = typeof minutes === 'string' && /^[0-9]{1,2}$/.test(minutes) ? Number(minutes) : NaN;
  const n = asked >= 1 && asked <= CHART_MINUTES.max ? asked : CHART_MINUTES.default;
  // About 150 points across, never finer than the demo's 2 s.
  return {
    start: new Date(now.getTime() - n * 60_000),
    end: now,
    stepSeconds: Math.max(2, Math.round((n * 60) / 150)),
  };
}

async function exemplarsOf(
  deps: ChartDeps,
  chart: ResolvedChart,
  window: RangeWindow,
): Promise<ChartData['exemplars']> {
  const wanted = chart.queries.filter((q) => q.exemplars);
  // Exemplars are a bonus: a Prometheus that stores none, or refuses, leaves the chart as it is.
  const found = await Promise.all(
    wanted.map((q) => deps.prometheus.exemplars(q.expr, window).catch(() => [])),
  );
  return found.flatMap((list, i) =>
    list.map((e) => ({
      series: seriesName(wanted[i]?.legend ?? '', e.seriesLabels),
      traceId: e.traceId,
      at: e.at,
      value: e.value,
      href: TRACE_ID.test(e.traceId) ? orderTrace(deps.links, e.traceId) : undefined,
    })),
  );
}

/** Runs `chart` over `window`. Rejects with PrometheusQueryError when a query fails. */
export async function chartData(
  deps: ChartDeps,
  chart: ResolvedChart,
  window: RangeWindow,
): Promise<ChartData> {
  const [ranges, exemplars] = await Promise.all([
    Promise.all(chart.queries.map((q) => deps.prometheus.range(q.expr, window))),
    exemplarsOf(deps, chart, window),
  ]);
  const series = ranges.flatMap((list, i) =>
    list.map((s) => ({ name: seriesName(chart.queries[i]?.legend ?? '', s.labels), points: s.points })),
  );
  const { key, title, unit, display, origin } = chart;
  return {
    ...{ key, title, unit, display, origin },
    start: window.start.getTime(),
    end: window.end.getTime(),
    series: series.sort((a, b) => a.name.localeCompare(b.name)),
    exemplars,
    faults: deps.faultTimeline.periods(window.start.getTime()),
  };
}

/** The chart routes. */
export function chartRoutes(deps: ChartDeps): Router {
  const router = Router();
  router.get('/api/charts', (_req, res) => {
    res.json({
      charts: deps.charts.map(({ key, title, unit, display, origin }) => ({
        key,
        title,
        unit,
        display,
        origin,
      })),
    });
  });
  router.get('/api/charts/:key', async (req, res) => {
    res.set('cache-control', 'no-store');
    const chart = deps.charts.find((c) => c.key === req.params.key);
    if (!chart) {
      const known = deps.charts.map((c) => c.key).join(', ');
      res.status(404).json({ error: 'unknown_chart', message: `No chart is named so; charts: ${known}` });
      return;
    }
    try {
      res.json(await chartData(deps, chart, chartWindow(req.query.minutes)));
    } catch (error) {
      res.status(502).json({ error: 'prometheus_unavailable', message: describeError(error) });
    }
  });
  return router;
}
