/**
 * The availability SLOs (the order API's by default): for each, error ratios recorded over every window the burn-rate
 * tiers need, and multi-window, multi-burn-rate alerts as the Google SRE workbook sets them out.
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

function errorRatio(slo: AvailabilitySlo, window: Duration, grouping: readonly string[]): RecordingRule {
  const requests = `${metrics.httpServerDuration.name}_count`;
  const by = groupBy(['service'], grouping);
  const all = `sum by ${by} (rate(${selector(requests, slo.requestSelector)}[${window}]))`;
  const errors = `sum by ${by} (rate(${selector(requests, slo.requestSelector, slo.errorSelector)}[${window}]))`;
  return {
    record: errorRatioRecord(window),
    // `or 0 * all`: without a single error there is no error series, and the ratio must be 0,
    // not absent.
    expr: `(\n  ${errors}\nor\n  0 * ${all}\n)\n/\n${all}`,
    labels: { slo: slo.name },
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
          ...objective.recordedWindows.map((window) => errorRatio(objective, window, groupingLabels)),
          ...objective.tiers.map((tier) => burnRateAlert(objective, tier)),
          requestsAbsent(objective, thresholds.absentFor),
        ],
      };
    }),
};
