/**
 * What every Faultline dashboard shares: its fixed UID, the `faultline` tag and a link bar to
 * the other Faultline dashboards, time settings, and the datasource variable.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DASHBOARD_TAG, dashboardUids, type DashboardKey } from '../config.ts';
import { datasourceVariable } from './variables.ts';

/** The title, UID and description of a dashboard, ready for its variables, rows and panels. */
export function baseDashboard(
  key: DashboardKey,
  title: string,
  description: string,
): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(dashboardUids[key])
    .description(description)
    .tags([DASHBOARD_TAG])
    .readonly()
    .timezone('browser')
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('Faultline')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    )
    .withVariable(datasourceVariable());
}
