/**
 * Reading dashboard JSON: the panels of a dashboard (rows flattened) and the Prometheus
 * targets each panel runs. Verification, preview and the reference tests all read dashboards
 * through here, as Grafana would: from the JSON, not from the builders.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';

/** A dashboard as its JSON holds it. */
export type DashboardJson = dashboard.Dashboard;

/** One Prometheus target of one panel, with where it comes from. */
export interface PanelTarget {
  readonly panelId: number;
  readonly panelTitle: string;
  readonly panelType: string;
  readonly refId: string;
  readonly expr: string;
  readonly legend: string;
  /** An instant query (stat panels) rather than a range query. */
  readonly instant: boolean;
}

/** The panels of a dashboard, rows first then their panels (collapsed rows included). */
export function panelsOf(json: DashboardJson): (dashboard.Panel | dashboard.RowPanel)[] {
  return (json.panels ?? []).flatMap((panel) =>
    panel.type === 'row' ? [panel, ...((panel as dashboard.RowPanel).panels ?? [])] : [panel],
  );
}

/** The panels that run queries (everything but rows). */
export function queryPanelsOf(json: DashboardJson): dashboard.Panel[] {
  return panelsOf(json).filter((panel): panel is dashboard.Panel => panel.type !== 'row');
}

/** The Prometheus targets of a panel, in order. */
export function targetsOf(panel: dashboard.Panel): PanelTarget[] {
  return (panel.targets ?? []).map((target, index) => {
    const q = target as unknown as prometheus.Dataquery;
    return {
      panelId: panel.id ?? 0,
      panelTitle: panel.title ?? '',
      panelType: panel.type,
      refId: q.refId ?? String.fromCharCode(65 + index),
      expr: q.expr,
      legend: q.legendFormat ?? '',
      instant: q.instant === true,
    };
  });
}

/** The variables of a dashboard. */
export function variablesOf(json: DashboardJson): dashboard.VariableModel[] {
  return json.templating.list ?? [];
}
