/**
 * Alerts about the alerting pipeline failing at its two ends: Alertmanager failing to deliver
 * notifications, and Prometheus failing to evaluate rules (a rule that errors is a rule that
 * never fires). The Watchdog heartbeat covers the link between them.
 */
import { groupBy, selector } from '../promql.ts';
import type { Component } from './types.ts';

/** `AlertmanagerNotificationsFailing` and `PrometheusRuleEvaluationFailures`. */
export const selfMonitoring: Component = {
  name: 'self-monitoring',
  dashboard: 'serviceOverview',
  groups: ({ selectors, thresholds, groupingLabels }) => {
    const window = thresholds.selfMonitoringWindow;
    return [
      {
        name: 'faultline-self-monitoring',
        rules: [
          {
            alert: 'AlertmanagerNotificationsFailing',
            expr: `sum by ${groupBy(['job', 'instance', 'integration'], groupingLabels)} (increase(${selector('alertmanager_notifications_failed_total', selectors.alertmanager)}[${window}])) > 0`,
            for: thresholds.selfMonitoringFor,
            // A warning, so it goes to the warning receiver: when the pager is the integration
            // failing, paging through it would not reach anyone.
            labels: { severity: 'warning' },
            annotations: {
              summary:
                'Alertmanager {{ $labels.instance }} fails to send {{ $labels.integration }} notifications.',
              description: `Alertmanager {{ $labels.instance }} failed {{ printf "%.0f" $value }} {{ $labels.integration }} notifications in the last ${window}, for ${thresholds.selfMonitoringFor}: alerts routed there (pages, if it is pagerduty) are not reaching anyone. Check its log for the receiver's answer (routing key, URL, network).`,
            },
          },
          {
            alert: 'PrometheusRuleEvaluationFailures',
            expr: `sum by ${groupBy(['job', 'instance', 'rule_group'], groupingLabels)} (increase(${selector('prometheus_rule_evaluation_failures_total', selectors.prometheus)}[${window}])) > 0`,
            for: thresholds.selfMonitoringFor,
            labels: { severity: 'critical' },
            annotations: {
              summary:
                'Prometheus {{ $labels.instance }} fails to evaluate rules of {{ $labels.rule_group }}.',
              description: `Prometheus {{ $labels.instance }} failed {{ printf "%.0f" $value }} evaluations of rule group {{ $labels.rule_group }} in the last ${window}, for ${thresholds.selfMonitoringFor}: the alerts of that group cannot fire. Its log and Status → Rules show the error.`,
            },
          },
        ],
      },
    ];
  },
};
