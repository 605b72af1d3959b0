/**
 * Renders the dashboards to the exact JSON text committed under `dashboards/`: built with the
 * SDK, panel ids numbered in order, pretty-printed with a final newline. Pure, so the drift
 * test and the generator produce byte-identical output.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardsConfig } from './config.ts';
import { dashboardDefinitions } from './dashboards.ts';

/** One rendered dashboard. */
export interface RenderedDashboard {
  readonly file: string;
  readonly uid: string;
  readonly dashboard: dashboard.Dashboard;
  readonly text: string;
}

// Grafana needs a unique id per panel; rows come out of the SDK as 0 and panels without one.
function numberPanels(built: dashboard.Dashboard): void {
  let id = 0;
  for (const panel of built.panels ?? []) {
    panel.id = ++id;
    if (panel.type === 'row') for (const inner of (panel as dashboard.RowPanel).panels) inner.id = ++id;
  }
}

/** Every dashboard, rendered with `config`. */
export function renderDashboards(config: DashboardsConfig): RenderedDashboard[] {
  return dashboardDefinitions.map((definition) => {
    const built = definition.build(config);
    numberPanels(built);
    if (!built.uid) throw new Error(`Dashboard ${definition.file} has no uid`);
    return {
      file: definition.file,
      uid: built.uid,
      dashboard: built,
      text: `${JSON.stringify(built, null, 2)}\n`,
    };
  });
}
