/**
 * The dashboards' side of the one config point: selectors, SLOs, dashboard UIDs and link bases
 * come from `@faultline/alerts`' config module (the mixin's `config.libsonnet`), which the alert
 * rules read too, so nothing here is a second copy to keep equal. Only what is the dashboards'
 * own (datasource UIDs, the tag, the settings read from the environment) is defined here.
 */
import { readFileSync } from 'node:fs';
import { defaultConfig, parseSettings, type AlertsConfig, type AvailabilitySlo } from '@faultline/alerts';

/**
 * The shared monitoring configuration both generators read: the defaults, or a user's settings
 * file (`FAULTLINE_SETTINGS=my-settings.json`, as `faultline-mixin --config` sets it) merged
 * onto them by the same parser the alerts use. Read once, here, when the module loads.
 */
export const monitoring: AlertsConfig = (() => {
  const file = process.env.FAULTLINE_SETTINGS;
  if (file === undefined || file === '') return defaultConfig;
  return parseSettings(JSON.parse(readFileSync(file, 'utf8'))).config;
})();

/** Datasource UIDs, fixed so dashboards, provisioning and alert links agree without lookups. */
export const datasourceUids = {
  prometheus: 'prometheus',
  jaeger: 'jaeger',
  elasticsearch: 'elasticsearch',
} as const;

/** Dashboard UIDs (the shared config's); alert rules link to `<grafana>/d/<uid>`. */
export const dashboardUids = monitoring.dashboards;

/** A dashboard's key in {@link dashboardUids}. */
export type DashboardKey = keyof typeof dashboardUids;

/** Tag on every Faultline dashboard; the dashboards' link bar lists dashboards by it. */
export const DASHBOARD_TAG = 'faultline';

/** Alerts whose runbooks the panels link to: `alerts/runbooks/<AlertName>.md`. */
export const alertNames = [
  'Watchdog',
  'FaultlineMetricsAbsent',
  'FaultlineTargetsAbsent',
  'AlertmanagerNotificationsFailing',
  'PrometheusRuleEvaluationFailures',
  'SloRequestsAbsent',
  'SloNoTraffic',
  'ServiceDown',
  'CircuitBreakerOpen',
  'CircuitBreakerFlapping',
  'QueueStalled',
  'QueueNoConsumers',
  'QueueConsumerLagHigh',
  'DeadLetterQueueGrowing',
  'KafkaConsumerGroupStalled',
  'KafkaConsumerGroupNoMembers',
  'KafkaConsumerGroupLagHigh',
  'KafkaRebalanceStorm',
  'RetryStorm',
  'ErrorBudgetBurnFast',
  'ErrorBudgetBurnSlow',
  'TelemetryPipelineDegraded',
  'BackupTooOld',
  'DatabaseReplicaDown',
  'DatabaseReplicationLagHigh',
  'DatabaseFailover',
  'SagaStuck',
] as const;

/** The name of an alert with a runbook. */
export type AlertName = (typeof alertNames)[number];

/** One window pair of a multi-window, multi-burn-rate alert (Google SRE workbook, ch. 5). */
export interface BurnRateWindow {
  readonly long: string;
  readonly short: string;
  /** Burn rate at which the alert fires: budget share spent × SLO window / long window. */
  readonly threshold: number;
  readonly alert: AlertName;
}

/** An SLO as the SLO dashboard shows it, derived from the shared config's. */
export interface DashboardSlo {
  readonly name: string;
  readonly description: string;
  /** The service named by the request selector's `service="..."`, for links; '' when none. */
  readonly service: string;
  readonly requestSelector: string;
  readonly errorSelector: string;
  readonly objective: number;
  readonly window: string;
  /**
   * The window the alert rules record request and error rates over (the SLO's first recorded
   * window): the panels sum those records over longer windows, as the rules do, instead of
   * reading the raw counters over days.
   */
  readonly baseWindow: string;
  readonly burnRateWindows: readonly BurnRateWindow[];
}

/** The dashboard's view of one shared SLO: the tiers' alert names as the rules name them. */
export function dashboardSlo(slo: AvailabilitySlo): DashboardSlo {
  return {
    name: slo.name,
    description: slo.description,
    service: /(?:^|[\s,])service="([^"]*)"/.exec(slo.requestSelector)?.[1] ?? '',
    requestSelector: slo.requestSelector,
    errorSelector: slo.errorSelector,
    objective: slo.target,
    window: slo.period,
    baseWindow: slo.recordedWindows[0] ?? '5m',
    burnRateWindows: slo.tiers.map((tier) => ({
      long: tier.longWindow,
      short: tier.shortWindow,
      threshold: tier.burnRate,
      alert: tier.severity === 'critical' ? 'ErrorBudgetBurnFast' : 'ErrorBudgetBurnSlow',
    })),
  };
}

/** The SLOs of the shared config, as the SLO dashboard shows them (one row each). */
export const slos: readonly DashboardSlo[] = monitoring.slos.map(dashboardSlo);

/** Where runbook links point unless `FAULTLINE_RUNBOOK_BASE_URL` says otherwise. */
export const DEFAULT_RUNBOOK_BASE_URL = monitoring.runbookBaseUrl;

/** Settings of the dashboard generator. */
export interface DashboardsConfig {
  /** Base URL of the runbooks; a runbook is `<base>/<AlertName>.md`. */
  readonly runbookBaseUrl: string;
}

/** Settings of `npm run dashboards:preview`. */
export interface PreviewConfig {
  /** Prometheus to read the panels' data from. */
  readonly prometheusUrl: string;
  /** How many minutes back from now the charts show. */
  readonly minutes: number;
}

/** A configuration value was not acceptable; the message names the variable and what is accepted. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function httpUrl(env: Env, variable: string, fallback: string): string {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${variable}="${raw}" is not a URL; expected an http(s) URL such as ${fallback}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${variable}="${raw}" must use http or https`);
  }
  return raw.replace(/\/+$/, '');
}

function positiveInteger(env: Env, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConfigError(`${variable}="${raw}" must be a positive whole number (default ${fallback})`);
  }
  return value;
}

/**
 * The generator's settings from the environment. The committed JSON is generated with the
 * defaults (the drift test renders with `loadDashboardsConfig({})`). Throws {@link ConfigError}.
 */
export function loadDashboardsConfig(env: Env = process.env): DashboardsConfig {
  return { runbookBaseUrl: httpUrl(env, 'FAULTLINE_RUNBOOK_BASE_URL', DEFAULT_RUNBOOK_BASE_URL) };
}

/** The preview's settings: `PROMETHEUS_URL`, `PREVIEW_MINUTES`. Throws {@link ConfigError}. */
export function loadPreviewConfig(env: Env = process.env): PreviewConfig {
  return {
    prometheusUrl: httpUrl(env, 'PROMETHEUS_URL', 'http://127.0.0.1:9090'),
    minutes: positiveInteger(env, 'PREVIEW_MINUTES', 15),
  };
}

/** The runbook URL of an alert. */
export function runbookUrl(config: DashboardsConfig, alert: AlertName): string {
  return `${config.runbookBaseUrl}/${alert}.md`;
}
