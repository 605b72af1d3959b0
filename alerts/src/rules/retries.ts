/**
 * Alerts about retry policies: retries that have become most of the traffic.
 */
import { metrics } from '@faultline/instrumentation';
import { groupBy, num, percent, selector } from '../promql.ts';
import type { Component } from './types.ts';

/** `RetryStorm`: retries are more than `retryRatio` of a busy operation's attempts. */
export const retries: Component = {
  name: 'retries',
  dashboard: 'faultTolerance',
  groups: ({ selectors, thresholds, groupingLabels }) => {
    const rate = (...matchers: string[]): string =>
      `sum by ${groupBy(['service', 'operation'], groupingLabels)} (rate(${selector(metrics.retryAttempts.name, selectors.services, ...matchers)}[${thresholds.retryWindow}]))`;
    return [
      {
        name: 'faultline-retries',
        rules: [
          {
            alert: 'RetryStorm',
            expr: [
              `(\n  ${rate('outcome="retry"')}\n/\n  ${rate()}\n) > ${num(thresholds.retryRatio)}`,
              `${rate()} > ${num(thresholds.retryMinAttemptsPerSecond)}`,
            ].join('\nand\n'),
            for: thresholds.retryStormFor,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Retries of {{ $labels.operation }} on {{ $labels.service }} are a retry storm.',
              description: `{{ $value | humanizePercentage }} of the attempts of {{ $labels.operation }} on {{ $labels.service }} over ${thresholds.retryWindow} failed and were retried (threshold ${percent(thresholds.retryRatio)}): the dependency is failing and retries multiply the load on it.`,
            },
          },
        ],
      },
    ];
  },
};
