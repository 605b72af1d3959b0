/**
 * The signal catalogue as the dashboards see it: every metric and label name a query uses
 * comes from here, so a renamed metric breaks generation instead of silently emptying a panel.
 */
export {
  logFields,
  metrics,
  SERVICE_LABEL,
  type MetricDefinition,
  type MetricKey,
} from '@faultline/instrumentation';
