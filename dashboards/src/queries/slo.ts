/**
 * Queries of the SLO dashboard, on the raw request metric so they do not depend on the alert
 * rules' recording rules: availability, error budget remaining and burn rate per window of
 * each SLO of the shared config (its request and error selectors, as the rules use them).
 */
import { metrics } from '../catalogue.ts';
import type { DashboardSlo } from '../config.ts';
import { RATE_INTERVAL, orZero, parseMatchers, rate, ratio, series, sumBy } from '../promql.ts';
import { query, type PanelQueries } from './query.ts';

/** The distinct windows of an SLO's burn-rate alerts, long and short, in config order. */
export function burnWindows(slo: DashboardSlo): readonly string[] {
  return [...new Set(slo.burnRateWindows.flatMap((pair) => [pair.long, pair.short]))];
}

/** Targets per panel of one SLO's row of the SLO dashboard. */
export function sloQueries(slo: DashboardSlo) {
  const sli = parseMatchers(slo.requestSelector);
  const errorBudget = `(1 - ${slo.objective})`;
  const requests = (window: string): string =>
    sumBy([], rate(series(metrics.httpServerDuration, sli, 'count'), window));
  const errors = (window: string): string => {
    const failed = [...sli, ...parseMatchers(slo.errorSelector)];
    return sumBy([], rate(series(metrics.httpServerDuration, failed, 'count'), window));
  };
  const errorRatio = (window: string): string =>
    ratio(orZero(errors(window), requests(window)), requests(window));
  const availability = (window: string): string => `1 - ${errorRatio(window)}`;
  const burnRate = (window: string): string => `${errorRatio(window)} / ${errorBudget}`;
  return {
    availabilityWindow: [query(availability(slo.window), `availability (${slo.window})`)],
    availabilityRange: [query(availability('$__range'), 'availability (dashboard range)')],
    budgetRemaining: [query(`1 - ${errorRatio(slo.window)} / ${errorBudget}`, 'error budget remaining')],
    burnRates: burnWindows(slo).map((window) => query(burnRate(window), `burn rate ${window}`)),
    availabilityOverTime: [
      query(availability('5m'), 'availability (5m)'),
      query(availability('1h'), 'availability (1h)'),
    ],
    budgetOverTime: [query(`1 - ${errorRatio(slo.window)} / ${errorBudget}`, 'error budget remaining')],
    requestsAndErrors: [
      query(requests(RATE_INTERVAL), 'requests/s'),
      query(orZero(errors(RATE_INTERVAL), requests(RATE_INTERVAL)), '5xx/s'),
    ],
  } satisfies Record<string, PanelQueries>;
}
