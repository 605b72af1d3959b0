/**
 * Alerts about the alerting pipeline itself.
 */
import type { Component } from './types.ts';

/** `Watchdog`: always firing, so the heartbeat receiver notices when alerts stop arriving. */
export const general: Component = {
  name: 'general',
  dashboard: 'serviceOverview',
  groups: () => [
    {
      name: 'faultline-general',
      rules: [
        {
          alert: 'Watchdog',
          expr: 'vector(1)',
          labels: { severity: 'none' },
          annotations: {
            summary: 'Alerting pipeline heartbeat: always firing.',
            description:
              'This alert always fires. It proves that Prometheus evaluates rules and that Alertmanager delivers notifications; the heartbeat receiver raises the alarm when it stops arriving. It never pages.',
          },
        },
      ],
    },
  ],
};
