/**
 * The public surface of `@faultline/dashboards`: what other parts of Faultline (the demo's
 * end-to-end checks, docs tooling) may use. Everything else is internal.
 */
export { dashboardUids, datasourceUids, type DashboardKey } from './config.ts';
export { renderDashboards, type RenderedDashboard } from './render.ts';
export {
  describeFailures,
  verifyDashboardsAgainst,
  type PanelVerification,
  type QueryOutcome,
  type TargetVerification,
  type VariableVerification,
  type VerificationReport,
  type VerifyOptions,
} from './verify.ts';
export { renderPreviews, type Preview, type PreviewOptions } from './preview/renderPreviews.ts';
export { interpolate, variableValues, type Substitutions } from './interpolate.ts';
export { panelsOf, targetsOf, type DashboardJson, type PanelTarget } from './model.ts';
export { seriesName } from './preview/format.ts';
