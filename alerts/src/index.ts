/**
 * The public surface of `@faultline/alerts`: the config point, the renderers of the rule files
 * and the Alertmanager configuration, and the names tests and dashboards rely on.
 */
export {
  defaultConfig,
  type AlertsConfig,
  type AvailabilitySlo,
  type BurnRateTier,
  type DashboardKey,
  type DashboardUids,
  type Duration,
  type NotificationTimings,
  type QueueMetrics,
  type QueueOwner,
  type Routing,
  type Selectors,
  type Thresholds,
} from './config.ts';
export { renderRuleFiles, renderComponent, runbookUrl, dashboardUrl, type GeneratedFile } from './render.ts';
export {
  renderAlertmanagerConfig,
  alertmanagerConfig,
  defaultAlertmanagerOptions,
  receivers,
  type AlertmanagerOptions,
  type WarningReceiver,
} from './alertmanager.ts';
export { renderGeneratedFiles } from './generated.ts';
export { renderAlertFiles } from './files.ts';
export { prometheusRuleManifest } from './manifests.ts';
export { parseSettings, SettingsError, type Settings } from './settings.ts';
export { components } from './rules/index.ts';
export { errorRatioRecord, errorsRecord, requestsRecord, OBJECTIVE_RECORD } from './rules/slo.ts';
export { brokerQueueSeries, withQueueOwner } from './rules/queues.ts';
export { collectorLossCounters, collectorQueueGauges } from './rules/telemetryPipeline.ts';
export type { AlertRule, Component, RecordingRule, Rule, RuleGroup, Severity } from './rules/types.ts';
