/**
 * Fault tolerance: what the circuit breakers are doing (state over time, calls by outcome,
 * short-circuited calls and fallbacks, transitions) and what the retry policies are doing
 * (attempts by outcome, how long they back off), then the Sagas row (sagas.ts).
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { SERVICE_LABEL, metrics } from '../catalogue.ts';
import type { DashboardsConfig } from '../config.ts';
import { series, serviceMatcher } from '../promql.ts';
import { BREAKER_STATE_CODES, faultToleranceQueries as q } from '../queries/faultTolerance.ts';
import { baseDashboard } from './base.ts';
import { row, stateTimelinePanel, timeSeriesPanel } from './panels.ts';
import { withSagaRow } from './sagas.ts';
import { labelVariable } from './variables.ts';

/** The Fault tolerance dashboard. */
export function faultToleranceDashboard(config: DashboardsConfig): dashboard.Dashboard {
  const builder = baseDashboard(
    'faultTolerance',
    'Faultline / Fault tolerance',
    'Circuit breakers and retry policies of every Faultline service, and the sagas their orchestrators run.',
  )
    .withVariable(labelVariable('service', 'Service', series(metrics.breakerCalls), SERVICE_LABEL))
    .withVariable(
      labelVariable('breaker', 'Breaker', series(metrics.breakerState, [serviceMatcher]), 'breaker'),
    )
    .withVariable(
      labelVariable(
        'operation',
        'Retried operation',
        series(metrics.retryAttempts, [serviceMatcher]),
        'operation',
      ),
    )
    .withRow(row('Circuit breakers'))
    .withPanel(
      stateTimelinePanel(config, {
        title: 'Breaker state',
        description:
          'State of each circuit breaker over time, per instance: closed, half-open (probing) or open.',
        queries: q.breakerState,
        unit: 'short',
        width: 24,
        height: 6,
        runbooks: ['CircuitBreakerOpen', 'CircuitBreakerFlapping'],
        states: [
          { value: BREAKER_STATE_CODES.closed, text: 'closed', color: 'green' },
          { value: BREAKER_STATE_CODES.half_open, text: 'half-open', color: 'yellow' },
          { value: BREAKER_STATE_CODES.open, text: 'open', color: 'red' },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Calls by outcome',
        description:
          'Calls through each breaker per second: success, failure, timeout, or rejected while open.',
        queries: q.breakerCalls,
        unit: 'reqps',
        stack: true,
        width: 8,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Rejected calls and fallbacks',
        description:
          'Calls short-circuited by an open breaker, and calls answered by its fallback, per second.',
        queries: q.rejectedAndFallbacks,
        unit: 'reqps',
        min: 0,
        width: 8,
        runbooks: ['CircuitBreakerOpen'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'State transitions',
        description:
          'State changes over the last rate interval, by the state entered. Many in a short time means flapping.',
        queries: q.breakerTransitions,
        unit: 'short',
        min: 0,
        width: 8,
        runbooks: ['CircuitBreakerFlapping'],
      }),
    )
    .withRow(row('Retries'))
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Attempts by outcome',
        description:
          'Attempts of retried operations per second: success, retry (failed, will retry), exhausted (gave up), aborted.',
        queries: q.retryAttempts,
        unit: 'ops',
        stack: true,
        width: 8,
        runbooks: ['RetryStorm'],
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Backoff delay percentiles',
        description: 'p50, p95 and p99 of the delays retry policies actually waited between attempts.',
        queries: q.backoffPercentiles,
        unit: 's',
        min: 0,
        width: 8,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Time spent backing off',
        description:
          'Seconds spent waiting between attempts, per second: how much work the retries hold back.',
        queries: q.backoffTime,
        unit: 's',
        min: 0,
        width: 8,
        runbooks: ['RetryStorm'],
      }),
    );
  return withSagaRow(builder, config).build();
}
