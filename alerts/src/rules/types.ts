/**
 * The shapes of Prometheus rule files, as the generator builds them. Links (runbook, dashboard)
 * are not part of a rule here: the renderer adds them in one place, from the alert's name and
 * its component's dashboard.
 */
import type { AlertsConfig, DashboardKey, Duration } from '../config.ts';

/** `critical` pages, `warning` does not; `none` is only for the Watchdog heartbeat. */
export type Severity = 'critical' | 'warning' | 'none';

/** An alerting rule before its links are added. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: Duration;
  readonly labels: { readonly severity: Severity } & Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** A recording rule. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Either kind of rule. */
export type Rule = AlertRule | RecordingRule;

/** A rule group: evaluated together, at the global evaluation interval. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

/**
 * One monitored component: its rules go to `rules/<name>.rules.yml` and its alerts link to
 * one dashboard.
 */
export interface Component {
  readonly name: string;
  readonly dashboard: DashboardKey;
  readonly groups: (config: AlertsConfig) => readonly RuleGroup[];
}

/** Whether a rule is an alerting rule. */
export function isAlertRule(rule: Rule): rule is AlertRule {
  return 'alert' in rule;
}
