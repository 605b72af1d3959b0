/**
 * Turns the chart catalogue into the PromQL it runs: for a dashboard panel, the targets of the
 * panel as the generated dashboard JSON holds them, with the dashboard's template variables and
 * Grafana's macros filled in; the unit and legends come from the panel too. Resolved once at
 * start: a catalogue entry naming a panel that no dashboard has fails loudly.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { interpolate, panelsOf, targetsOf, variableValues, type DashboardJson } from '@faultline/dashboards';
import type { ChartDefinition, ChartDisplay } from './catalogue.ts';

/** One query of a chart. */
export interface ChartQuery {
  readonly expr: string;
  /** Grafana's legend template (`{{service}} {{http_route}}`). */
  readonly legend: string;
  /** The panel asks for exemplars (trace ids on latency points). */
  readonly exemplars: boolean;
}

/** A chart ready to run. */
export interface ResolvedChart {
  readonly key: string;
  readonly title: string;
  readonly display: ChartDisplay;
  /** Grafana's unit of the values (`reqps`, `s`, `percentunit`, `short`, ...). */
  readonly unit: string;
  /** Where the queries come from, as the page says it (`Fault tolerance › Breaker state`). */
  readonly origin: string;
  readonly queries: readonly ChartQuery[];
}

/** A catalogue entry names a dashboard or panel that does not exist. */
export class ChartCatalogueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartCatalogueError';
  }
}

/** `$__rate_interval` for the console: four 5 s scrapes and some, as Grafana would pick. */
export const CONSOLE_RATE_INTERVAL = '30s';

/** Every dashboard JSON file (those with a `uid`) in `dir`: the committed, generated dashboards. */
export function loadDashboards(dir: string): DashboardJson[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as DashboardJson)
    .filter((json) => typeof json.uid === 'string' && Array.isArray(json.panels));
}

function resolvePanel(chart: ChartDefinition, dashboards: readonly DashboardJson[]): ResolvedChart {
  const source = chart.source;
  if (source.kind !== 'panel') throw new Error('not a panel chart');
  const json = dashboards.find((d) => d.uid === source.dashboard);
  if (!json) throw new ChartCatalogueError(`chart ${chart.key}: no dashboard has uid ${source.dashboard}`);
  const panel = panelsOf(json).find((p) => p.type !== 'row' && p.title === source.panel);
  if (!panel || panel.type === 'row')
    throw new ChartCatalogueError(
      `chart ${chart.key}: dashboard ${source.dashboard} has no panel "${source.panel}"`,
    );
  const values = variableValues(json, {
    rateInterval: CONSOLE_RATE_INTERVAL,
    ...(source.variables ? { variables: source.variables } : {}),
  });
  const targets = targetsOf(panel as Parameters<typeof targetsOf>[0]).filter(
    (t) => source.refIds === undefined || source.refIds.includes(t.refId),
  );
  const raw = (panel as { targets?: { refId?: string; exemplar?: boolean }[] }).targets ?? [];
  return {
    key: chart.key,
    title: chart.title,
    display: chart.display,
    unit:
      (panel as { fieldConfig?: { defaults?: { unit?: string } } }).fieldConfig?.defaults?.unit ?? 'short',
    origin: `${json.title} › ${source.panel}`,
    queries: targets.map((t) => ({
      expr: interpolate(t.expr, values),
      legend: t.legend,
      exemplars: raw.find((r) => r.refId === t.refId)?.exemplar === true,
    })),
  };
}

/** Resolves every chart of `catalogue` against `dashboards`; throws ChartCatalogueError on a missing panel. */
export function resolveCharts(
  catalogue: readonly ChartDefinition[],
  dashboards: readonly DashboardJson[],
): ResolvedChart[] {
  return catalogue.map((chart) => {
    const { source } = chart;
    if (source.kind === 'panel') return resolvePanel(chart, dashboards);
    const values = new Map([['__rate_interval', CONSOLE_RATE_INTERVAL]]);
    return {
      key: chart.key,
      title: chart.title,
      display: chart.display,
      unit: source.unit,
      origin: 'the demo shop’s own metrics (no Faultline dashboard)',
      queries: source.targets.map((t) => ({
        expr: interpolate(t.expr, values),
        legend: t.legend,
        exemplars: false,
      })),
    };
  });
}
