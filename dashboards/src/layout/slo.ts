/**
 * SLO: the Orders API availability objective (config.ts `ordersApiSlo`): how available it has
 * been, how much error budget is left, and how fast each alert window is burning it. The burn
 * rate alerts link here.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardUids, ordersApiSlo as slo, type DashboardsConfig } from '../config.ts';
import { sloQueries as q } from '../queries/slo.ts';
import { baseDashboard } from './base.ts';
import { row, statPanel, timeSeriesPanel, type Step } from './panels.ts';

const burnAlerts = [...new Set(slo.burnRateWindows.map((pair) => pair.alert))];
const percent = `${(slo.objective * 100).toFixed(1)}%`;
const tiers = slo.burnRateWindows
  .map((w) => `${w.alert} ${w.long} and ${w.short} > ${w.threshold}`)
  .join('; ');

const availabilitySteps: readonly Step[] = [
  { value: null, color: 'red' },
  { value: slo.objective, color: 'green' },
];

const budgetSteps: readonly Step[] = [
  { value: null, color: 'red' },
  { value: 0.25, color: 'orange' },
  { value: 0.5, color: 'green' },
];

// One dashed line per alert threshold, coloured more urgently the faster the burn.
const burnColors = ['yellow', 'orange', 'red', 'dark-red'];
const burnSteps: readonly Step[] = [
  { value: null, color: 'green' },
  ...[...new Set(slo.burnRateWindows.map((pair) => pair.threshold))]
    .sort((a, b) => a - b)
    .map((threshold, index) => ({ value: threshold, color: burnColors[index] ?? 'dark-red' })),
];

/** The SLO dashboard. */
export function sloDashboard(config: DashboardsConfig): dashboard.Dashboard {
  return baseDashboard(
    'slo',
    'Faultline / SLO',
    `${slo.name}: ${percent} of gateway requests to ${slo.routeRegex} answered without a 5xx, over ${slo.window}.`,
  )
    .time({ from: 'now-6h', to: 'now' })
    .withRow(row(`${slo.name} — objective ${percent} over ${slo.window}`))
    .withPanel(
      statPanel(config, {
        title: `Availability (${slo.window})`,
        description: `Share of Orders API requests answered without a 5xx over the SLO window; the objective is ${percent}.`,
        queries: q.availabilityWindow,
        unit: 'percentunit',
        thresholds: availabilitySteps,
        width: 8,
      }),
    )
    .withPanel(
      statPanel(config, {
        title: 'Availability (dashboard range)',
        description: 'The same share over the time range the dashboard shows.',
        queries: q.availabilityRange,
        unit: 'percentunit',
        thresholds: availabilitySteps,
        width: 8,
      }),
    )
    .withPanel(
      statPanel(config, {
        title: 'Error budget remaining',
        description: `Share of the ${slo.window} error budget (${((1 - slo.objective) * 100).toFixed(1)}% of requests) not yet spent. Negative: the SLO is missed.`,
        queries: q.budgetRemaining,
        unit: 'percentunit',
        thresholds: budgetSteps,
        width: 8,
        runbooks: burnAlerts,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Burn rate per window',
        description:
          'How many times faster than sustainable the error budget burns, over each window the burn-rate alerts use. ' +
          `Dashed lines: the alert thresholds. An alert fires when both windows of a pair burn above its threshold: ${tiers}.`,
        queries: q.burnRates,
        unit: 'short',
        min: 0,
        width: 24,
        thresholds: burnSteps,
        runbooks: burnAlerts,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Availability',
        description: `Share of requests without a 5xx over 5 minutes and over 1 hour. Dashed: the ${percent} objective.`,
        queries: q.availabilityOverTime,
        unit: 'percentunit',
        max: 1,
        thresholds: availabilitySteps,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Error budget remaining over time',
        description: `Share of the ${slo.window} error budget left at each moment.`,
        queries: q.budgetOverTime,
        unit: 'percentunit',
        thresholds: budgetSteps,
        runbooks: burnAlerts,
      }),
    )
    .withPanel(
      timeSeriesPanel(config, {
        title: 'Requests and 5xx',
        description:
          'Orders API requests and 5xx answers per second. Follow the link to the gateway in Service overview.',
        queries: q.requestsAndErrors,
        unit: 'reqps',
        min: 0,
        width: 24,
        dataLinks: [
          {
            title: 'Gateway in Service overview',
            url: `/d/${dashboardUids.serviceOverview}?var-service=${slo.service}&\${__url_time_range}`,
          },
        ],
      }),
    )
    .build();
}
