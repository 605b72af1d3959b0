/**
 * SLO: one row per SLO of the shared config (`slos`): how available it has been, how much
 * error budget is left, and how fast each alert window is burning it. The burn rate alerts
 * link here.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardUids, slos, type AlertName, type DashboardSlo, type DashboardsConfig } from '../config.ts';
import { sloQueries } from '../queries/slo.ts';
import { baseDashboard } from './base.ts';
import { row, statPanel, timeSeriesPanel, type Step } from './panels.ts';

const budgetSteps: readonly Step[] = [
  { value: null, color: 'red' },
  { value: 0.25, color: 'orange' },
  { value: 0.5, color: 'green' },
];

// One dashed line per alert threshold, coloured more urgently the faster the burn.
const burnColors = ['yellow', 'orange', 'red', 'dark-red'];

type Builder = ReturnType<typeof baseDashboard>;

/** The row of one SLO and its panels. */
function sloRow(builder: Builder, config: DashboardsConfig, slo: DashboardSlo): Builder {
  const q = sloQueries(slo);
  const burnAlerts: AlertName[] = [
    ...new Set(slo.burnRateWindows.map((pair) => pair.alert)),
    'SloRequestsAbsent',
    'SloNoTraffic',
  ];
  const percent = `${(slo.objective * 100).toFixed(1)}%`;
  const tiers = slo.burnRateWindows
    .map((w) => `${w.alert} ${w.long} and ${w.short} > ${w.threshold}`)
    .join('; ');
  const availabilitySteps: readonly Step[] = [
    { value: null, color: 'red' },
    { value: slo.objective, color: 'green' },
  ];
  const burnSteps: readonly Step[] = [
    { value: null, color: 'green' },
    ...[...new Set(slo.burnRateWindows.map((pair) => pair.threshold))]
      .sort((a, b) => a - b)
      .map((threshold, index) => ({ value: threshold, color: burnColors[index] ?? 'dark-red' })),
  ];
  return builder
    .withRow(row(`${slo.name} — objective ${percent} over ${slo.window}`))
    .withPanel(
      statPanel(config, {
        title: `Availability (${slo.window})`,
        description: `Share of requests of ${slo.description} answered without an error over the SLO window; the objective is ${percent}.`,
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
        title: 'Requests and errors',
        description: `Requests of ${slo.description} and their errors per second. Follow the link to the service in Service overview.`,
        queries: q.requestsAndErrors,
        unit: 'reqps',
        min: 0,
        width: 24,
        dataLinks: [
          {
            title: 'The service in Service overview',
            url: `/d/${dashboardUids.serviceOverview}?var-service=${slo.service}&\${__url_time_range}`,
          },
        ],
      }),
    );
}

/** The SLO dashboard. */
export function sloDashboard(config: DashboardsConfig): dashboard.Dashboard {
  const names = slos.map((slo) => `${slo.name} (${(slo.objective * 100).toFixed(1)}% over ${slo.window})`);
  const builder = baseDashboard('slo', 'Faultline / SLO', `Availability SLOs: ${names.join('; ')}.`).time({
    from: 'now-6h',
    to: 'now',
  });
  return slos.reduce((b, slo) => sloRow(b, config, slo), builder).build();
}
