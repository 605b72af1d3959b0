/**
 * Every dashboard Faultline ships, with the file it is generated into. Adding a dashboard is
 * adding a layout module, its queries module and one entry here.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardKey, DashboardsConfig } from './config.ts';
import { faultToleranceDashboard } from './layout/faultTolerance.ts';
import { queuesDashboard } from './layout/queues.ts';
import { serviceOverviewDashboard } from './layout/serviceOverview.ts';
import { sloDashboard } from './layout/slo.ts';
import { telemetryPipelineDashboard } from './layout/telemetryPipeline.ts';

/** A dashboard and where its JSON goes (relative to `dashboards/`). */
export interface DashboardDefinition {
  readonly key: DashboardKey;
  readonly file: string;
  readonly build: (config: DashboardsConfig) => dashboard.Dashboard;
}

/** The dashboards, in the order the link bar lists them. */
export const dashboardDefinitions: readonly DashboardDefinition[] = [
  { key: 'serviceOverview', file: 'service-overview.json', build: serviceOverviewDashboard },
  { key: 'faultTolerance', file: 'fault-tolerance.json', build: faultToleranceDashboard },
  { key: 'queues', file: 'queues.json', build: queuesDashboard },
  { key: 'slo', file: 'slo.json', build: sloDashboard },
  { key: 'telemetryPipeline', file: 'telemetry-pipeline.json', build: telemetryPipelineDashboard },
];
