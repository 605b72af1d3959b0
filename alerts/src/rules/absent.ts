/**
 * Rules that say when the other rules are blind (the kubernetes-mixin's absent alerts): the
 * configured selectors match no Faultline series, or no scrape target at all. Every other rule
 * is silent on nothing, so without these a wrong selector or a lost scrape config would look
 * exactly like a healthy system.
 */
import { metrics } from '@faultline/instrumentation';
import { selector } from '../promql.ts';
import type { Component } from './types.ts';

/** Every series name a Faultline process can expose: the catalogue's, histograms' three parts. */
export function faultlineSeriesRegex(): string {
  const names = Object.values(metrics).map((def) =>
    def.type === 'histogram' ? `${def.name}_(bucket|count|sum)` : def.name,
  );
  return names.join('|');
}

/** `FaultlineMetricsAbsent` and `FaultlineTargetsAbsent`. */
export const absent: Component = {
  name: 'absent',
  dashboard: 'serviceOverview',
  groups: ({ selectors, thresholds }) => [
    {
      name: 'faultline-absent',
      rules: [
        {
          alert: 'FaultlineMetricsAbsent',
          expr: `absent(${selector('', `__name__=~"${faultlineSeriesRegex()}"`, selectors.services)})`,
          for: thresholds.absentFor,
          labels: { severity: 'warning' },
          annotations: {
            summary: 'No Faultline metric is scraped: the Faultline alerts are blind.',
            description: `For ${thresholds.absentFor} Prometheus has had no series of any Faultline metric${selectors.services ? ` matching {${selectors.services}}` : ''} (value {{ $value }} from absent()): the services are not scraped, not instrumented, or the alerts' services selector is wrong. Every other Faultline alert stays silent meanwhile, whatever happens.`,
          },
        },
        {
          alert: 'FaultlineTargetsAbsent',
          expr: `absent(${selector('up', selectors.targets)})`,
          for: thresholds.absentFor,
          labels: { severity: 'warning' },
          annotations: {
            summary: 'No scrape target matches the alerts: ServiceDown is blind.',
            description: `For ${thresholds.absentFor} Prometheus has had no \`up\` series${selectors.targets ? ` matching {${selectors.targets}}` : ''} (value {{ $value }} from absent()): no target is scraped, or the alerts' targets selector is wrong, so a service going down would not be noticed.`,
          },
        },
      ],
    },
  ],
};
