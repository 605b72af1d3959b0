/**
 * The panel kinds Faultline's dashboards use, built with Grafana's Foundation SDK: a panel is
 * its title, a description that links its alerts' runbooks, its queries and a unit. Layout
 * modules only choose kinds, sizes and order.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { runbookUrl, type AlertName, type DashboardsConfig } from '../config.ts';
import type { PanelQueries } from '../queries/query.ts';

/** Every Prometheus panel and variable reads the datasource the `datasource` variable selects. */
export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** One threshold step: from `value` up, the colour is `color` (`null` is the base step). */
export interface Step {
  readonly value: number | null;
  readonly color: string;
}

/** What every panel has. */
export interface PanelSpec {
  readonly title: string;
  /** What the panel shows and how to read it; runbook links are appended. */
  readonly description: string;
  readonly queries: PanelQueries;
  /** A Grafana unit id: `reqps`, `s`, `percentunit`, `short`... */
  readonly unit: string;
  /** Alerts this panel helps investigate; their runbooks are linked from the panel. */
  readonly runbooks?: readonly AlertName[];
  /** Grid width (of 24) and height. */
  readonly width?: number;
  readonly height?: number;
  readonly thresholds?: readonly Step[];
  readonly min?: number;
  readonly max?: number;
}

/** Options of a time series panel. */
export interface TimeSeriesSpec extends PanelSpec {
  /** Stack the series (for parts of a whole: outcomes, states). */
  readonly stack?: boolean;
  /** Links shown on every data point, e.g. to another dashboard. */
  readonly dataLinks?: readonly { readonly title: string; readonly url: string }[];
}

/** Options of a state timeline panel: numeric codes mapped to named, coloured states. */
export interface StateTimelineSpec extends PanelSpec {
  readonly states: readonly { readonly value: number; readonly text: string; readonly color: string }[];
}

function describe(config: DashboardsConfig, spec: PanelSpec): string {
  const runbooks = spec.runbooks ?? [];
  if (runbooks.length === 0) return spec.description;
  const links = runbooks.map((alert) => `[${alert}](${runbookUrl(config, alert)})`);
  return `${spec.description}\n\nRunbooks: ${links.join(', ')}`;
}

function runbookLinks(config: DashboardsConfig, spec: PanelSpec): dashboard.DashboardLinkBuilder[] {
  return (spec.runbooks ?? []).map((alert) =>
    new dashboard.DashboardLinkBuilder(`Runbook: ${alert}`)
      .type(dashboard.DashboardLinkType.Link)
      .url(runbookUrl(config, alert))
      .targetBlank(true),
  );
}

function thresholds(steps: readonly Step[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([...steps]);
}

/** The Prometheus targets of a panel, refIds A, B, C... in query order. */
export function targets(queries: PanelQueries, instant: boolean): prometheus.DataqueryBuilder[] {
  return queries.map((q, index) => {
    const target = new prometheus.DataqueryBuilder()
      .datasource(PROMETHEUS)
      .refId(String.fromCharCode(65 + index))
      .expr(q.expr)
      .legendFormat(q.legend);
    if (q.exemplars && !instant) target.exemplar(true);
    return instant ? target.instant() : target.range();
  });
}

type CommonPanelBuilder = timeseries.PanelBuilder | stat.PanelBuilder | statetimeline.PanelBuilder;

function withCommon<B extends CommonPanelBuilder>(
  builder: B,
  config: DashboardsConfig,
  spec: PanelSpec,
  instant: boolean,
): B {
  builder
    .title(spec.title)
    .description(describe(config, spec))
    .datasource(PROMETHEUS)
    .targets(targets(spec.queries, instant))
    .unit(spec.unit)
    .span(spec.width ?? 12)
    .height(spec.height ?? 8)
    .links(runbookLinks(config, spec));
  if (spec.thresholds) builder.thresholds(thresholds(spec.thresholds));
  if (spec.min !== undefined) builder.min(spec.min);
  if (spec.max !== undefined) builder.max(spec.max);
  return builder;
}

/** A time series panel: one line (or bar) per series, legend below, shared tooltip. */
export function timeSeriesPanel(config: DashboardsConfig, spec: TimeSeriesSpec): timeseries.PanelBuilder {
  const panel = withCommon(new timeseries.PanelBuilder(), config, spec, false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
    .fillOpacity(spec.stack ? 30 : 10)
    .lineWidth(1);
  if (spec.stack) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.thresholds) {
    panel.thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
    );
  }
  if (spec.dataLinks) {
    panel.dataLinks(
      spec.dataLinks.map((link) =>
        new dashboard.DashboardLinkBuilder(link.title).type(dashboard.DashboardLinkType.Link).url(link.url),
      ),
    );
  }
  return panel;
}

/** A stat panel: the latest value of an instant query, coloured by thresholds. */
export function statPanel(config: DashboardsConfig, spec: PanelSpec): stat.PanelBuilder {
  return withCommon(new stat.PanelBuilder(), config, { height: 4, width: 6, ...spec }, true)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.Value);
}

/** A state timeline: one row per series, coloured by the state its numeric code maps to. */
export function stateTimelinePanel(
  config: DashboardsConfig,
  spec: StateTimelineSpec,
): statetimeline.PanelBuilder {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  spec.states.forEach((state, index) => {
    options[String(state.value)] = { text: state.text, color: state.color, index };
  });
  return withCommon(new statetimeline.PanelBuilder(), config, spec, false)
    .mappings([{ type: dashboard.MappingType.ValueToText, options }])
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .rowHeight(0.8);
}

/** A row: a titled band of the panels added after it. */
export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}
