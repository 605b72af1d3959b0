/**
 * Alerts about the orders database's backups, over what the backup scheduler reads from the
 * object store. The scheduler is scraped like a service (job `faultline-services`, service
 * `backup-scheduler`), so ServiceDown covers it being down. A database never backed up reports a
 * last success at 0, so it alerts too.
 */
import { metrics } from '@faultline/instrumentation';
import { groupBy, num, selector } from '../promql.ts';
import type { AlertsConfig } from '../config.ts';
import type { AlertRule, Component } from './types.ts';

function backupTooOld({ selectors, thresholds, groupingLabels }: AlertsConfig): AlertRule {
  const lastSuccess = selector(metrics.backupLastSuccess.name, selectors.services);
  return {
    alert: 'BackupTooOld',
    expr: `time() - max by ${groupBy(['database'], groupingLabels)} (${lastSuccess}) > ${num(thresholds.backupMaxAgeSeconds)}`,
    for: thresholds.backupTooOldFor,
    labels: { severity: 'critical' },
    annotations: {
      summary: 'The newest backup of {{ $labels.database }} is too old.',
      description: `The newest backup of {{ $labels.database }} in the object store was written {{ $value | humanizeDuration }} ago (threshold ${num(thresholds.backupMaxAgeSeconds / 3600)}h): a disaster now would lose more orders than the recovery point objective allows.`,
    },
  };
}

/** `BackupTooOld` (page). */
export const backups: Component = {
  name: 'backups',
  dashboard: 'serviceOverview',
  groups: (config) => [{ name: 'faultline-backups', rules: [backupTooOld(config)] }],
};
