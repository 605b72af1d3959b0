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
