/**
 * Conventions every alert follows, checked on the committed rule files: the alerts the issue
 * names exist, each has a severity, its summary and description, a runbook that exists and a
 * dashboard link; and each rule has a promtool case where it fires and one where it stays silent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { defaultConfig } from '../src/config.ts';
import { seconds } from '../src/promql.ts';
import { alertsPath } from './support/paths.ts';
import { loadAlertRules, loadPromtoolTests, type LoadedAlertRule } from './support/ruleFiles.ts';

const REQUIRED_ALERTS = [
  'Watchdog',
  'ServiceDown',
  'CircuitBreakerOpen',
  'CircuitBreakerFlapping',
  'QueueStalled',
  'QueueNoConsumers',
  'QueueConsumerLagHigh',
  'DeadLetterQueueGrowing',
  'RetryStorm',
  'ErrorBudgetBurnFast',
  'ErrorBudgetBurnSlow',
  'TelemetryPipelineDegraded',
];

const rules = loadAlertRules();
const alertNames = [...new Set(rules.map((rule) => rule.alert))];
const promtoolTests = loadPromtoolTests();
const dashboardUrls = Object.values(defaultConfig.dashboards).map(
  (uid) => `${defaultConfig.grafanaBaseUrl}/d/${uid}`,
);

describe('alert rules', () => {
  it('include every alert the alerting issue names', () => {
    expect(alertNames).toEqual(expect.arrayContaining(REQUIRED_ALERTS));
  });

  describe.each(rules.map((rule) => [`${rule.alert} ${JSON.stringify(rule.labels)}`, rule]))(
    '%s',
    (_name, rule) => {
      it('has severity critical or warning (none only for the Watchdog heartbeat)', () => {
        const allowed = rule.alert === 'Watchdog' ? ['none'] : ['critical', 'warning'];
        expect(allowed).toContain(rule.labels.severity);
      });

      it('waits out a blip before it pages: a critical alert has a `for` of 30s or more', () => {
        if (rule.labels.severity !== 'critical') return;
        expect(rule.for).toBeDefined();
        expect(seconds(rule.for as string)).toBeGreaterThanOrEqual(30);
      });

      it('has a summary and a description, templated with the values that matter', () => {
        expect(rule.annotations.summary?.length).toBeGreaterThan(10);
        expect(rule.annotations.description?.length).toBeGreaterThan(rule.annotations.summary?.length ?? 0);
        if (rule.alert !== 'Watchdog')
          expect(rule.annotations.description).toMatch(/\{\{[^}]*\$(value|labels)/);
      });

      it('links its runbook, alerts/runbooks/<AlertName>.md', () => {
        expect(rule.annotations.runbook_url).toBe(`${defaultConfig.runbookBaseUrl}/${rule.alert}.md`);
        expect(defaultConfig.runbookBaseUrl).toMatch(/\/alerts\/runbooks$/);
        expect(existsSync(alertsPath('runbooks', `${rule.alert}.md`))).toBe(true);
      });

      it('links one of the Faultline dashboards', () => {
        expect(dashboardUrls).toContain(rule.annotations.dashboard_url);
      });

      it('has no other annotations than summary, description, runbook_url and dashboard_url', () => {
        expect(Object.keys(rule.annotations).sort()).toEqual([
          'dashboard_url',
          'description',
          'runbook_url',
          'summary',
        ]);
      });
    },
  );
});

describe('runbooks', () => {
  it.each(alertNames)(
    '%s.md says what the alert means, how to confirm it and how to mitigate it in the demo',
    (name) => {
      const text = readFileSync(alertsPath('runbooks', `${name}.md`), 'utf8');
      expect(text.split('\n')[0]).toBe(`# ${name}`);
      expect(text).toMatch(/^## Meaning$/m);
      expect(text).toMatch(/^## Confirm$/m);
      expect(text).toMatch(/^## Mitigate \(demo\)$/m);
      // Alerts the demo cannot provoke live (a day-old backup, a failover) reproduce through a test.
      expect(text).toMatch(
        /npm run chaos -- (provider-down|provider-slow|provider-errors|kill|redis-down|broker-down|reset)|npx jest [\w/.-]+\.test\.ts/,
      );
    },
  );

  it('exist only for alerts that exist', () => {
    const runbooks = readdirSync(alertsPath('runbooks'))
      .filter((file) => file.endsWith('.md') && file !== 'README.md')
      .map((file) => file.replace(/\.md$/, ''));
    expect(runbooks.sort()).toEqual([...alertNames].sort());
  });
});

/** The static labels of a rule, as its firing alerts carry them. */
function staticLabelsMatch(rule: LoadedAlertRule, labels: Record<string, string>): boolean {
  return Object.entries(rule.labels).every(([name, value]) => labels[name] === value);
}

/** Whether a promtool expression over ALERTS, expected empty, covers `rule` staying silent. */
function silenceCovers(expr: string, rule: LoadedAlertRule): boolean {
  if (!expr.includes('ALERTS')) return false;
  const exact = /alertname="([^"]+)"/.exec(expr);
  const regex = /alertname=~"([^"]+)"/.exec(expr);
  const severity = /severity="([^"]+)"/.exec(expr);
  if (exact && exact[1] !== rule.alert) return false;
  if (regex && !new RegExp(`^(?:${regex[1]})$`).test(rule.alert)) return false;
  return !severity || severity[1] === rule.labels.severity;
}

/** The promtool test file of a rule's component: `<component>.test.yml`. */
function testFileOf(rule: LoadedAlertRule): string {
  return rule.file.replace(/\.rules\.yml$/, '.test.yml');
}

describe('promtool tests', () => {
  describe.each(rules.map((rule) => [`${rule.alert} ${JSON.stringify(rule.labels)}`, rule]))(
    '%s',
    (_name, rule) => {
      const file = promtoolTests.find((t) => t.file === testFileOf(rule));

      it(`are in alerts/tests/${testFileOf(rule)}, which loads its rule file`, () => {
        expect(file?.rule_files).toEqual([`../rules/${rule.file}`]);
      });

      it('include a case where it fires, with exact labels and all four annotations', () => {
        const firing = (file?.tests ?? [])
          .flatMap((test) => test.alert_rule_test ?? [])
          .filter((check) => check.alertname === rule.alert)
          .flatMap((check) => check.exp_alerts ?? [])
          .filter((alert) => staticLabelsMatch(rule, alert.exp_labels ?? {}));
        expect(firing.length).toBeGreaterThan(0);
        for (const alert of firing) {
          expect(Object.keys(alert.exp_annotations ?? {}).sort()).toEqual([
            'dashboard_url',
            'description',
            'runbook_url',
            'summary',
          ]);
        }
      });
    },
  );

  // The Watchdog is the one alert that must never be silent.
  const silenceable = rules.filter((rule) => rule.alert !== 'Watchdog');
  describe.each(silenceable.map((rule) => [`${rule.alert} ${JSON.stringify(rule.labels)}`, rule]))(
    '%s',
    (_name, rule) => {
      it('include a case where it stays silent', () => {
        const tests = promtoolTests.find((t) => t.file === testFileOf(rule))?.tests ?? [];
        const silentAtATime = tests
          .flatMap((test) => test.alert_rule_test ?? [])
          .some((check) => check.alertname === rule.alert && (check.exp_alerts ?? []).length === 0);
        const silentThroughout = tests
          .flatMap((test) => test.promql_expr_test ?? [])
          .some((check) => (check.exp_samples ?? []).length === 0 && silenceCovers(check.expr, rule));
        expect(silentAtATime || silentThroughout).toBe(true);
      });
    },
  );
});
