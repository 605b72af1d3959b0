/**
 * Alerts about circuit breakers: one held open (the dependency behind it is failing) and one
 * that keeps opening and closing (the dependency fails intermittently).
 */
import { metrics } from '@faultline/instrumentation';
import { anyOf, groupBy, selector } from '../promql.ts';
import type { Component } from './types.ts';

/** `CircuitBreakerOpen` (pages) and `CircuitBreakerFlapping` (warns). */
export const circuitBreakers: Component = {
  name: 'circuit-breakers',
  dashboard: 'faultTolerance',
  groups: ({ selectors, thresholds, groupingLabels }) => {
    const BREAKER = groupBy(['job', 'instance', 'service', 'breaker'], groupingLabels);
    const state = selector(
      metrics.breakerState.name,
      selectors.services,
      `state=~${anyOf(thresholds.breakerUnhealthyStates)}`,
    );
    const transitions = (to: string): string =>
      `sum by ${BREAKER} (increase(${selector(metrics.breakerTransitions.name, selectors.services, `to="${to}"`)}[${thresholds.breakerFlappingWindow}]))`;
    const cycles = thresholds.breakerFlappingCycles;
    return [
      {
        name: 'faultline-circuit-breakers',
        rules: [
          {
            alert: 'CircuitBreakerOpen',
            // Open or half-open: a breaker probing a dead dependency is still not closed, and
            // counting only `open` would restart the `for` at every half-open trial.
            expr: `max by ${BREAKER} (${state}) == 1`,
            for: thresholds.breakerOpenFor,
            labels: { severity: 'critical' },
            annotations: {
              summary: 'Circuit breaker {{ $labels.breaker }} of {{ $labels.service }} is open.',
              description: `Circuit breaker {{ $labels.breaker }} on {{ $labels.service }} instance {{ $labels.instance }} has not closed for ${thresholds.breakerOpenFor}: calls to the dependency behind it are short-circuited and answered by the fallback or failed.`,
            },
          },
          {
            alert: 'CircuitBreakerFlapping',
            expr: `${transitions('closed')} >= ${cycles}\nand\n${transitions('open')} >= ${cycles}`,
            labels: { severity: 'warning' },
            annotations: {
              summary: 'Circuit breaker {{ $labels.breaker }} of {{ $labels.service }} is flapping.',
              description: `Circuit breaker {{ $labels.breaker }} on {{ $labels.service }} instance {{ $labels.instance }} closed {{ printf "%.0f" $value }} times in ${thresholds.breakerFlappingWindow} and opened again each time: the dependency behind it fails intermittently.`,
            },
          },
        ],
      },
    ];
  },
};
