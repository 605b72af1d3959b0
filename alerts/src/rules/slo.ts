/**
 * The availability SLOs (the order API's by default): for each, request and error rates recorded
 * over 5 minutes, error ratios over every window the burn-rate tiers need summed from those
 * records, and the multi-window, multi-burn-rate alerts of the Google SRE workbook (the four
 * tiers sloth ships), plus alerts when an SLO has no series or no traffic to judge.
 */
import { metrics } from '@faultline/instrumentation';
import type { AlertsConfig, AvailabilitySlo, BurnRateTier, Duration } from '../config.ts';
import { groupBy, num, percent, seconds, selector } from '../promql.ts';
import type { AlertRule, Component, RecordingRule } from './types.ts';

/** The recording rule name of the error ratio over `window`. */
export function errorRatioRecord(window: Duration): string {
  return `slo:sli_error:ratio_rate${window}`;
}

/** The recording rule name of the SLO's objective, for dashboards. */
export const OBJECTIVE_RECORD = 'slo:objective:ratio';

/** Requests per second over the base window (the SLO's first recorded window, 5m by default). */
export function requestsRecord(base: Duration): string {
  return `slo:sli_requests:rate${base}`;
}

/** Errors per second over the base window. */
export function errorsRecord(base: Duration): string {
  return `slo:sli_errors:rate${base}`;
}

/** The window the raw counters are read over: the first recorded one. */
function baseWindow(slo: AvailabilitySlo): Duration {
  const [base] = slo.recordedWindows;
  if (base === undefined) throw new Error(`SLO ${slo.name}: recordedWindows is empty`);
  return base;
}

function baseRates(slo: AvailabilitySlo, grouping: readonly string[]): RecordingRule[] {
  const requests = `${metrics.httpServerDuration.name}_count`;
  const by = groupBy(['service'], grouping);
  const base = baseWindow(slo);
  const all = `sum by ${by} (rate(${selector(requests, slo.requestSelector)}[${base}]))`;
  const errors = `sum by ${by} (rate(${selector(requests, slo.requestSelector, slo.errorSelector)}[${base}]))`;
  return [
    { record: requestsRecord(base), expr: all, labels: { slo: slo.name } },
    // `or 0 * all`: without a single error there is no error series, and the ratio must be 0,
    // not absent.
    { record: errorsRecord(base), expr: `${errors}\nor\n0 * ${all}`, labels: { slo: slo.name } },
  ];
}

/**
 * The error ratio over `window`. The base window divides the two rates just recorded; every
 * longer one sums those records over the window (as pyrra does), so no rule reads a raw
 * counter over hours or days at every evaluation.
 */
function errorRatio(slo: AvailabilitySlo, window: Duration): RecordingRule {
  const base = baseWindow(slo);
  const errors = `${errorsRecord(base)}{slo="${slo.name}"}`;
  const requests = `${requestsRecord(base)}{slo="${slo.name}"}`;
  const expr =
    window === base
      ? `${errors}\n/\n${requests}`
      : `sum_over_time(${errors}[${window}])\n/\nsum_over_time(${requests}[${window}])`;
  return { record: errorRatioRecord(window), expr, labels: { slo: slo.name } };
}

/** `SloNoTraffic`: the request series exist but carried no request over the window. */
function noTraffic(slo: AvailabilitySlo, window: Duration, noTrafficFor: Duration): AlertRule {
  return {
    alert: 'SloNoTraffic',
    expr: `sum_over_time(${requestsRecord(baseWindow(slo))}{slo="${slo.name}"}[${window}]) == 0`,
    for: noTrafficFor,
    labels: { severity: 'warning', slo: slo.name },
    annotations: {
      summary: `SLO ${slo.name} has had no traffic to judge for ${window}.`,
      description: `{{ $labels.service }} served no request of ${slo.description} for ${window} (value {{ $value }}): the SLO's error ratio is undefined, so its burn-rate alerts cannot fire, whatever users would see. The traffic stopped upstream (load balancer, clients) or the route changed.`,
    },
  };
}

function burnRateAlert(slo: AvailabilitySlo, tier: BurnRateTier): AlertRule {
  const budget = num(1 - slo.target);
  const burn = (window: Duration): string =>
    `${errorRatioRecord(window)}{slo="${slo.name}"} / ${budget} > ${num(tier.burnRate)}`;
  const spent = percent((tier.burnRate * seconds(tier.longWindow)) / seconds(slo.period));
  return {
    alert: tier.severity === 'critical' ? 'ErrorBudgetBurnFast' : 'ErrorBudgetBurnSlow',
    expr: `${burn(tier.longWindow)}\nand\n${burn(tier.shortWindow)}`,
    for: tier.for,
    labels: { severity: tier.severity, long_window: tier.longWindow, short_window: tier.shortWindow },
    annotations: {
      summary: `{{ $labels.slo }} is burning its error budget {{ printf "%.1f" $value }}x too fast.`,
      description: `Errors of ${slo.description} over the last ${tier.longWindow} burn the ${slo.period} error budget of the ${percent(slo.target)} objective at {{ printf "%.1f" $value }}x the sustainable rate, and still did over the last ${tier.shortWindow} (threshold ${num(tier.burnRate)}x: ${spent} of the budget spent in ${tier.longWindow}).`,
    },
  };
}

/** `SloRequestsAbsent`: the SLO's request series is gone, so its burn-rate alerts cannot fire. */
function requestsAbsent(slo: AvailabilitySlo, absentFor: Duration): AlertRule {
  const requests = selector(`${metrics.httpServerDuration.name}_count`, slo.requestSelector);
  return {
    alert: 'SloRequestsAbsent',
    expr: `absent(${requests})`,
    for: absentFor,
    labels: { severity: 'warning', slo: slo.name },
    annotations: {
      summary: `SLO ${slo.name} has no request series to judge.`,
      description: `For ${absentFor} Prometheus has had no ${requests} series (value {{ $value }} from absent()): the SLO of ${slo.description} cannot be computed and its burn-rate alerts cannot fire. The service is not scraped, or the SLO's request selector is wrong.`,
    },
  };
}

function assertTierWindowsRecorded(objective: AvailabilitySlo): void {
  const base = seconds(baseWindow(objective));
  for (const window of objective.recordedWindows) {
    if (seconds(window) < base) {
      throw new Error(
        `SLO ${objective.name}: recorded window ${window} is shorter than the first, ${objective.recordedWindows[0]}, which longer windows are summed from; list the shortest first`,
      );
    }
  }
  for (const tier of objective.tiers) {
    for (const window of [tier.longWindow, tier.shortWindow]) {
      if (!objective.recordedWindows.includes(window)) {
        throw new Error(
          `SLO ${objective.name}: burn-rate tier ${tier.burnRate}x uses window ${window}, which is not in recordedWindows; add it there`,
        );
      }
    }
  }
}

/** For each SLO, recording rules of its error ratios and its `ErrorBudgetBurnFast`/`Slow` alerts. */
export const slo: Component = {
  name: 'slo',
  dashboard: 'slo',
  groups: ({ slos, groupingLabels, thresholds }: AlertsConfig) =>
    slos.map((objective) => {
      assertTierWindowsRecorded(objective);
      return {
        // One group, recording rules first: rules of a group run in order, so the alerts read
        // the ratios of this evaluation rather than the previous one.
        name: `faultline-slo-${objective.name}`,
        rules: [
          {
            record: OBJECTIVE_RECORD,
            expr: `vector(${num(objective.target)})`,
            labels: { slo: objective.name },
          },
          ...baseRates(objective, groupingLabels),
          ...objective.recordedWindows.map((window) => errorRatio(objective, window)),
          ...objective.tiers.map((tier) => burnRateAlert(objective, tier)),
          requestsAbsent(objective, thresholds.absentFor),
          noTraffic(objective, thresholds.sloNoTrafficWindow, thresholds.absentFor),
        ],
      };
    }),
};
