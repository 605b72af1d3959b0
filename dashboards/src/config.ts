/**
 * The one config point of the dashboards (the mixin's `config.libsonnet`): fixed identifiers
 * other assets link to (datasource and dashboard UIDs, alert names, Prometheus jobs), the SLO,
 * and the few settings read from the environment, parsed here and nowhere else.
 */

/** Datasource UIDs, fixed so dashboards, provisioning and alert links agree without lookups. */
export const datasourceUids = {
  prometheus: 'prometheus',
  jaeger: 'jaeger',
  elasticsearch: 'elasticsearch',
} as const;

/** Dashboard UIDs; alert rules link to `<grafana>/d/<uid>`, so these never change. */
export const dashboardUids = {
  serviceOverview: 'faultline-service-overview',
  faultTolerance: 'faultline-fault-tolerance',
  queues: 'faultline-queues',
  slo: 'faultline-slo',
  telemetryPipeline: 'faultline-telemetry-pipeline',
} as const;

/** A dashboard's key in {@link dashboardUids}. */
export type DashboardKey = keyof typeof dashboardUids;

/** Tag on every Faultline dashboard; the dashboards' link bar lists dashboards by it. */
export const DASHBOARD_TAG = 'faultline';

/** Prometheus scrape jobs of a Faultline deployment. */
export const prometheusJobs = {
  services: 'faultline-services',
  rabbitmq: 'rabbitmq',
  otelCollector: 'otel-collector',
} as const;

/** Alerts whose runbooks the panels link to: `alerts/runbooks/<AlertName>.md`. */
export const alertNames = [
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
  'BackupTooOld',
  'DatabaseReplicaDown',
  'DatabaseReplicationLagHigh',
  'DatabaseFailover',
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

/**
 * The Orders API availability SLO: the share of gateway requests on the `/api/orders` routes
 * that did not answer 5xx, over 30 days, with the burn-rate tiers of the alert rules. The
 * alerts package encodes the same numbers; a test keeps the two equal.
 */
export const ordersApiSlo = {
  name: 'Orders API availability',
  job: prometheusJobs.services,
  service: 'gateway',
  routeRegex: '/api/orders(/.*)?',
  errorStatusRegex: '5..',
  objective: 0.999,
  window: '30d',
  burnRateWindows: [
    { long: '1h', short: '5m', threshold: 14.4, alert: 'ErrorBudgetBurnFast' },
    { long: '6h', short: '30m', threshold: 6, alert: 'ErrorBudgetBurnFast' },
    { long: '3d', short: '6h', threshold: 1, alert: 'ErrorBudgetBurnSlow' },
  ] satisfies readonly BurnRateWindow[],
} as const;

/** Queue naming: dead-letter queues are the work queue's name with `.dlq` appended. */
export const queueNaming = {
  deadLetterRegex: '.+[.]dlq',
} as const;

/** Where runbook links point unless `FAULTLINE_RUNBOOK_BASE_URL` says otherwise. */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://github.com/faultline/faultline/blob/main/alerts/runbooks';

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
