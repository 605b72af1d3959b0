/**
 * The one config point drives every rule: no default names a scrape job, and a user's
 * selectors, grouping labels and several SLOs reach every rule that should carry them.
 */
import { parse } from 'yaml';
import { defaultConfig, type AlertsConfig } from '../src/config.ts';
import { renderRuleFiles } from '../src/render.ts';

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; record?: string; expr: string }> }>;
}

function rules(config: AlertsConfig) {
  return renderRuleFiles(config).flatMap((file) =>
    (parse(file.content) as RuleFile).groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: g.name }))),
  );
}

const mine: AlertsConfig = {
  ...defaultConfig,
  selectors: { ...defaultConfig.selectors, services: 'namespace="shop"', targets: 'namespace="shop"' },
  groupingLabels: ['namespace', 'cluster'],
  slos: [
    ...defaultConfig.slos,
    {
      ...(defaultConfig.slos[0] as AlertsConfig['slos'][number]),
      name: 'order-service-availability',
      description: 'the order service',
      requestSelector: 'service="order-service"',
    },
  ],
};

describe('rules generated from the one config point', () => {
  it('select by metric name, never by a job name, with the defaults', () => {
    for (const rule of rules(defaultConfig)) expect(rule.expr).not.toMatch(/\bjob\s*=/);
  });

  it('keep every configured grouping label in every aggregation', () => {
    const aggregations = rules(mine).flatMap((r) =>
      [...r.expr.matchAll(/\bby \(([^)]*)\)/g)].map((m) => m[1]),
    );
    expect(aggregations.length).toBeGreaterThan(10);
    for (const labels of aggregations)
      expect(labels?.split(', ')).toEqual(expect.arrayContaining(['namespace', 'cluster']));
  });

  it('add the services selector to every Faultline metric and the targets selector to up', () => {
    const all = rules(mine);
    const serviceDown = all.find((r) => r.alert === 'ServiceDown');
    expect(serviceDown?.expr).toBe('up{namespace="shop"} == 0');
    const breaker = all.find((r) => r.alert === 'CircuitBreakerOpen');
    expect(breaker?.expr).toContain('circuit_breaker_state{namespace="shop", state=~"open|half_open"}');
  });

  it('add the other selectors to the metrics they name, the absent alerts included', () => {
    const narrowed: AlertsConfig = {
      ...mine,
      selectors: {
        ...mine.selectors,
        alertmanager: 'namespace="monitoring"',
        prometheus: 'namespace="monitoring"',
      },
    };
    const all = rules(narrowed);
    expect(all.find((r) => r.alert === 'FaultlineTargetsAbsent')?.expr).toBe('absent(up{namespace="shop"})');
    expect(all.find((r) => r.alert === 'FaultlineMetricsAbsent')?.expr).toContain(', namespace="shop"})');
    expect(all.find((r) => r.alert === 'AlertmanagerNotificationsFailing')?.expr).toContain(
      'alertmanager_notifications_failed_total{namespace="monitoring"}',
    );
    expect(all.find((r) => r.alert === 'PrometheusRuleEvaluationFailures')?.expr).toContain(
      'prometheus_rule_evaluation_failures_total{namespace="monitoring"}',
    );
  });

  it('take the Kafka thresholds and windows from the config point', () => {
    const tuned = rules({
      ...defaultConfig,
      thresholds: { ...defaultConfig.thresholds, kafkaLagSeconds: 300, kafkaStalledWindow: '20m' },
    });
    const byName = (name: string) => tuned.find((rule) => rule.alert === name);
    expect(byName('KafkaConsumerGroupLagHigh')?.expr).toMatch(/> 300$/);
    expect(byName('KafkaConsumerGroupStalled')?.expr).toContain('[20m]');
    expect(byName('KafkaConsumerGroupStalled')?.expr).not.toContain('[10m]');
  });

  it('record and alert on each SLO apart', () => {
    const all = rules(mine);
    const groups = [...new Set(all.filter((r) => r.group.startsWith('faultline-slo-')).map((r) => r.group))];
    expect(groups).toEqual([
      'faultline-slo-order-api-availability',
      'faultline-slo-order-service-availability',
    ]);
    const orderService = all.filter((r) => r.group === 'faultline-slo-order-service-availability');
    expect(orderService.some((r) => r.expr.includes('service="order-service"'))).toBe(true);
    expect(
      orderService
        .filter((r) => r.alert?.startsWith('ErrorBudgetBurn'))
        .every((r) => r.expr.includes('slo="order-service-availability"')),
    ).toBe(true);
  });
});
