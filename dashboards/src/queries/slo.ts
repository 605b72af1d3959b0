/**
 * Queries of the SLO dashboard, on the raw request metric so they do not depend on the alert
 * rules' recording rules: availability, error budget remaining and burn rate per window of the
 * Orders API availability SLO (see `ordersApiSlo` in config.ts).
 */
import { SERVICE_LABEL, metrics } from '../catalogue.ts';
import { ordersApiSlo as slo } from '../config.ts';
import { RATE_INTERVAL, eq, orZero, rate, ratio, re, series, sumBy, type Matcher } from '../promql.ts';
import { query, type PanelQueries } from './query.ts';

const sli: readonly Matcher[] = [
  eq('job', slo.job),
  eq(SERVICE_LABEL, slo.service),
  re('http_route', slo.routeRegex),
];
const errorBudget = `(1 - ${slo.objective})`;

function requests(window: string): string {
  return sumBy([], rate(series(metrics.httpServerDuration, sli, 'count'), window));
}

function errors(window: string): string {
  const failed = [...sli, re('http_response_status_code', slo.errorStatusRegex)];
  return sumBy([], rate(series(metrics.httpServerDuration, failed, 'count'), window));
}

/** Share of requests that failed over `window` (0 when none failed). */
export function errorRatio(window: string): string {
  return ratio(orZero(errors(window), requests(window)), requests(window));
}

function availability(window: string): string {
  return `1 - ${errorRatio(window)}`;
}

/** How many times faster than sustainable the budget burns over `window`. */
export function burnRate(window: string): string {
  return `${errorRatio(window)} / ${errorBudget}`;
}

/** The distinct windows of the burn-rate alerts, long and short, in config order. */
export const burnWindows: readonly string[] = [
  ...new Set(slo.burnRateWindows.flatMap((pair) => [pair.long, pair.short])),
];

/** Targets per panel of the SLO dashboard. */
export const sloQueries = {
  availabilityWindow: [query(availability(slo.window), `availability (${slo.window})`)],
  availabilityRange: [query(availability('$__range'), 'availability (dashboard range)')],
  budgetRemaining: [query(`1 - ${errorRatio(slo.window)} / ${errorBudget}`, 'error budget remaining')],
  burnRates: burnWindows.map((window) => query(burnRate(window), `burn rate ${window}`)),
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
