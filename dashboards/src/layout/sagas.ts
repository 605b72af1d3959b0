/**
 * The Sagas row, placed on the Fault tolerance dashboard: how many sagas are stuck, and how
 * sagas start and end (completed, compensated, aborted) over time.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardsConfig } from '../config.ts';
import { sagaQueries as q } from '../queries/sagas.ts';
import { row, statPanel, timeSeriesPanel } from './panels.ts';

/** Adds the Sagas row and its panels to `builder`. */
export function withSagaRow(
  builder: dashboard.DashboardBuilder,
  config: DashboardsConfig,
): dashboard.DashboardBuilder {
  return builder
    .withRow(row('Sagas'))
    .withPanel(
      statPanel(config, {
        title: 'Stuck sagas',
        description:
          'Sagas under way whose last step is older than their orchestrator’s stuck threshold: their orders wait and their reserved stock is held.',
        queries: q.stuck,
        unit: 'short',
        width: 6,
        runbooks: ['SagaStuck'],
        thresholds: [
          { value: null, color: 'green' },
          { value: 1, color: 'orange' },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Sagas started and ended',
        description:
          'Per rate interval: sagas started, completed, compensated (a later step failed for good and the earlier ones were undone) and aborted (the first step was refused, nothing to undo).',
        queries: q.flow,
        unit: 'short',
        min: 0,
        width: 18,
        runbooks: ['SagaStuck'],
      }),
    );
}
