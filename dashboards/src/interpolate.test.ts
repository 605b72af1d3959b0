import { interpolate, variableValues } from './interpolate.ts';
import type { DashboardJson } from './model.ts';

const dashboard = {
  schemaVersion: 42,
  annotations: {},
  templating: {
    list: [
      {
        type: 'datasource',
        name: 'datasource',
        query: 'prometheus',
        current: { text: 'Prometheus', value: 'prometheus' },
      },
      { type: 'query', name: 'service', includeAll: true, allValue: '.*' },
      {
        type: 'custom',
        name: 'signal',
        includeAll: false,
        current: { text: 'logs', value: ['logs', 'traces'] },
      },
    ],
  },
} as DashboardJson;

describe('interpolate', () => {
  it('gives an "All" variable its all value and Grafana macros fixed windows', () => {
    const values = variableValues(dashboard);
    expect(interpolate('rate(x{service=~"$service"}[$__rate_interval]) [${__range}]', values)).toBe(
      'rate(x{service=~".*"}[1m]) [1h]',
    );
  });

  it('uses a chosen value, and the current value of a variable without "All"', () => {
    const values = variableValues(dashboard, { variables: { service: 'gateway' }, rateInterval: '2m' });
    expect(interpolate('x{service=~"${service}", signal=~"[[signal]]"}[$__rate_interval]', values)).toBe(
      'x{service=~"gateway", signal=~"logs|traces"}[2m]',
    );
  });

  it('leaves regex group references such as $1 alone', () => {
    expect(interpolate('label_replace(x, "a", "$1", "b", "(.*)")', variableValues(dashboard))).toBe(
      'label_replace(x, "a", "$1", "b", "(.*)")',
    );
  });

  it('throws on a variable neither the dashboard nor Grafana defines', () => {
    expect(() => interpolate('x{a=~"$nope"}', variableValues(dashboard))).toThrow(/"\$nope" is neither/);
  });
});
