/**
 * Alerts about the scrape targets themselves: a target Prometheus cannot reach.
 */
import { selector } from '../promql.ts';
import type { Component } from './types.ts';

/** `ServiceDown`: a scrape target down for `serviceDownFor`. */
export const services: Component = {
  name: 'services',
  dashboard: 'serviceOverview',
  groups: ({ selectors, thresholds }) => [
    {
      name: 'faultline-services',
      rules: [
        {
          alert: 'ServiceDown',
          expr: `${selector('up', selectors.targets)} == 0`,
          for: thresholds.serviceDownFor,
          labels: { severity: 'critical' },
          annotations: {
            summary:
              '{{ with $labels.service }}{{ . }}{{ else }}{{ $labels.job }}{{ end }} instance {{ $labels.instance }} is down.',
            description: `Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}{{ with $labels.service }}, service {{ . }}{{ end }}) for more than ${thresholds.serviceDownFor}: the process is down, hung or unreachable.`,
          },
        },
      ],
    },
  ],
};
