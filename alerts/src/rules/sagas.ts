/**
 * Alerts about sagas, over what their orchestrator reports (the demo's order saga,
 * demo-services/saga): `saga_stuck` counts the sagas under way whose last step is older than the
 * orchestrator's stuck threshold (`SAGA_STUCK_AFTER_MS`), sampled from the saga store, so every
 * instance reports the same number and the rule takes the largest.
 */
import { metrics } from '@faultline/instrumentation';
import { groupBy, selector } from '../promql.ts';
import type { AlertsConfig } from '../config.ts';
import type { AlertRule, Component } from './types.ts';

function sagaStuck({ selectors, thresholds, groupingLabels }: AlertsConfig): AlertRule {
  const stuck = selector(metrics.sagaStuck.name, selectors.services);
  return {
    alert: 'SagaStuck',
    expr: `max by ${groupBy(['saga'], groupingLabels)} (${stuck}) > 0`,
    for: thresholds.sagaStuckFor,
    labels: { severity: 'warning' },
    annotations: {
      summary: '{{ $labels.saga }} sagas are stuck.',
      description: `{{ $value | humanize }} {{ $labels.saga }} saga(s) have taken no step for longer than the orchestrator's stuck threshold, for ${thresholds.sagaStuckFor}: their orders stay pending and the stock they reserved is held from other customers until they complete or are compensated.`,
    },
  };
}

/** `SagaStuck`. */
export const sagas: Component = {
  name: 'sagas',
  dashboard: 'faultTolerance',
  groups: (config) => [{ name: 'faultline-sagas', rules: [sagaStuck(config)] }],
};
