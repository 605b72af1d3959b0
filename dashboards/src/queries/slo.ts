/**
 * Queries of the SLO dashboard: availability, error budget remaining and burn rate per window
 * of each SLO of the shared config. They read the request and error rates the alert rules
 * record over the SLO's base window (`slo:sli_requests:rate5m`, `slo:sli_errors:rate5m`) and
 * sum them over longer windows as the rules do, so no panel reads the raw counters over 30 days.
 */
import { errorsRecord, requestsRecord, type Duration } from '@faultline/alerts';
import { metrics } from '../catalogue.ts';
import type { DashboardSlo } from '../config.ts';
import {
  RATE_INTERVAL,
  eq,
  orZero,
  parseMatchers,
  rate,
  ratio,
  selectorOf,
  series,
  sumBy,
} from '../promql.ts';
import { query, type PanelQueries } from './query.ts';

/** The distinct windows of an SLO's burn-rate alerts, long and short, in config order. */
export function burnWindows(slo: DashboardSlo): readonly string[] {
  return [...new Set(slo.burnRateWindows.flatMap((pair) => [pair.long, pair.short]))];
}

/**
 * The SLO's error ratio over `window`, from the recorded base-window rates: their current
 * values for the base window itself, else their sums over the window (as the rules' longer
 * windows are computed).
 */
export function recordedErrorRatio(slo: DashboardSlo, window: string): string {
  const base = slo.baseWindow as Duration;
  const bySlo = [eq('slo', slo.name)];
  const over = (record: string): string => {
    const recorded = selectorOf(record, bySlo);
    return sumBy([], window === base ? recorded : `sum_over_time(${recorded}[${window}])`);
  };
  return ratio(over(errorsRecord(base)), over(requestsRecord(base)));
}

/** Targets per panel of one SLO's row of the SLO dashboard. */
export function sloQueries(slo: DashboardSlo) {
  const sli = parseMatchers(slo.requestSelector);
  const errorBudget = `(1 - ${slo.objective})`;
  const errorRatio = (window: string): string => recordedErrorRatio(slo, window);
  const availability = (window: string): string => `1 - ${errorRatio(window)}`;
  const burnRate = (window: string): string => `${errorRatio(window)} / ${errorBudget}`;
  // The live request and error rates, over Grafana's short rate window: no recording needed.
  const requests = sumBy([], rate(series(metrics.httpServerDuration, sli, 'count'), RATE_INTERVAL));
  const failed = [...sli, ...parseMatchers(slo.errorSelector)];
  const errors = sumBy([], rate(series(metrics.httpServerDuration, failed, 'count'), RATE_INTERVAL));
  return {
    availabilityWindow: [query(availability(slo.window), `availability (${slo.window})`)],
    availabilityRange: [query(availability('$__range'), 'availability (dashboard range)')],
    budgetRemaining: [query(`1 - ${errorRatio(slo.window)} / ${errorBudget}`, 'error budget remaining')],
    burnRates: burnWindows(slo).map((window) => query(burnRate(window), `burn rate ${window}`)),
    availabilityOverTime: [
      query(availability(slo.baseWindow), `availability (${slo.baseWindow})`),
      query(availability('1h'), 'availability (1h)'),
    ],
    budgetOverTime: [query(`1 - ${errorRatio(slo.window)} / ${errorBudget}`, 'error budget remaining')],
    requestsAndErrors: [query(requests, 'requests/s'), query(orZero(errors, requests), '5xx/s')],
  } satisfies Record<string, PanelQueries>;
}
