/**
 * Loads the committed rule files and promtool test files as data, for the convention and
 * coverage tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { alertsPath } from './paths.ts';

/** An alerting rule as it is in a rule file. */
export interface LoadedAlertRule {
  readonly file: string;
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

interface RuleFileDoc {
  groups: { name: string; rules: Record<string, unknown>[] }[];
}

/** The committed rule files' names, `<component>.rules.yml`. */
export function ruleFileNames(): string[] {
  return readdirSync(alertsPath('rules'))
    .filter((name) => name.endsWith('.rules.yml'))
    .sort();
}

/** Every alerting rule of every committed rule file. */
export function loadAlertRules(): LoadedAlertRule[] {
  return ruleFileNames().flatMap((file) => {
    const doc = parse(readFileSync(alertsPath('rules', file), 'utf8')) as RuleFileDoc;
    return doc.groups.flatMap((group) =>
      group.rules
        .filter((rule) => typeof rule.alert === 'string')
        .map((rule) => ({ file, ...(rule as Omit<LoadedAlertRule, 'file'>) })),
    );
  });
}

/** One expected alert of a promtool `alert_rule_test`. */
export interface ExpectedAlert {
  readonly exp_labels?: Record<string, string>;
  readonly exp_annotations?: Record<string, string>;
}

/** A promtool test file, as far as the coverage tests read it. */
export interface PromtoolTestFile {
  readonly file: string;
  readonly rule_files: string[];
  readonly tests: {
    readonly name: string;
    readonly alert_rule_test?: {
      alertname: string;
      eval_time: string;
      exp_alerts?: ExpectedAlert[] | null;
    }[];
    readonly promql_expr_test?: { expr: string; eval_time: string; exp_samples?: unknown[] | null }[];
  }[];
}

/** The promtool test files' names, `<component>.test.yml`. */
export function promtoolTestFileNames(): string[] {
  return readdirSync(alertsPath('tests'))
    .filter((name) => name.endsWith('.test.yml'))
    .sort();
}

/** Every promtool test file under `alerts/tests/`. */
export function loadPromtoolTests(): PromtoolTestFile[] {
  return promtoolTestFileNames().map((file) => ({
    file,
    ...(parse(readFileSync(alertsPath('tests', file), 'utf8')) as Omit<PromtoolTestFile, 'file'>),
  }));
}
