/**
 * The console's configuration, parsed at the edge from the environment. Nothing else in the
 * console reads `process.env`. A wrong value fails with one message naming the variable and
 * what it accepts.
 */
import { z } from 'zod';
import { defaultConfig, receivers } from '@faultline/alerts';

/** A variable had a value its schema does not accept; the message names it. */
export class ConsoleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsoleConfigError';
  }
}

/** Parsed configuration of the console. */
export interface ConsoleConfig {
  port: number;
  host: string;
  /** The public order API (the load balancer in front of the gateways). */
  gatewayUrl: string;
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** The order service's read API (`ORDER_SERVICE_URL`): the order list shows every order. */
  orderServiceUrl?: string;
  /** Grafana (`GRAFANA_URL`); unset: no Grafana link is shown. */
  grafanaUrl?: string;
  /** The Jaeger UI (`JAEGER_URL`); unset: no Jaeger UI link is shown. */
  jaegerUrl?: string;
  /** Kibana (`KIBANA_URL`); unset: no Kibana link is shown. */
  kibanaUrl?: string;
  /** Jaeger's query API, read by the console itself (`JAEGER_QUERY_URL`; unset: links go to the UI). */
  jaegerQueryUrl?: string;
  /** Elasticsearch, read by the console itself (`ELASTICSEARCH_URL`; unset: links go to Kibana). */
  elasticsearchUrl?: string;
  /** Runbooks live at `<runbookBaseUrl>/<AlertName>.md` (used when an alert has no runbook_url). */
  runbookBaseUrl: string;
  /**
   * The local PagerDuty sink (`PAGER_SINK_URL`): when set, the console lists the pages it
   * accepted (trigger, resolve, dedup key) beside Alertmanager's view.
   */
  pagerSinkUrl?: string;
  /** The Alertmanager receiver that pages: alerts routed to it "would have paged". */
  pagingReceiver: string;
  /** Fault controls are shown and accepted only in demo mode. */
  demoMode: boolean;
}

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const trim = (u: string) => u.replace(/\/+$/, '');
const url = (fallback: string) => z.string().url().default(fallback).transform(trim);
const optionalUrl = z.string().url().transform(trim).optional();

const schema = z.object({
  CONSOLE_PORT: port(8088),
  CONSOLE_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_URL: url('http://127.0.0.1:8080'),
  PROMETHEUS_URL: url('http://127.0.0.1:9090'),
  ALERTMANAGER_URL: url('http://127.0.0.1:9093'),
  ORDER_SERVICE_URL: optionalUrl,
  GRAFANA_URL: optionalUrl,
  JAEGER_URL: optionalUrl,
  KIBANA_URL: optionalUrl,
  JAEGER_QUERY_URL: optionalUrl,
  ELASTICSEARCH_URL: optionalUrl,
  PAGER_SINK_URL: optionalUrl,
  RUNBOOK_BASE_URL: url(defaultConfig.runbookBaseUrl),
  PAGING_RECEIVER: z.string().min(1).default(receivers.pager),
  DEMO_MODE: z
    .enum(['true', 'false', '1', '0', ''], { message: 'true, false, 1 or 0' })
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
});

/** The entries of `values` that are set (an optional property is absent, never undefined). */
function optional<T extends Record<string, string | undefined>>(values: T): Partial<Record<keyof T, string>> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<
    Record<keyof T, string>
  >;
}

/** Reads the console's configuration. Throws ConsoleConfigError naming the bad variable. */
export function consoleConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConsoleConfigError(`Invalid configuration for the console: ${issues.join('; ')}`);
  }
  const raw = result.data;
  return {
    port: raw.CONSOLE_PORT,
    host: raw.CONSOLE_HOST,
    gatewayUrl: raw.GATEWAY_URL,
    prometheusUrl: raw.PROMETHEUS_URL,
    alertmanagerUrl: raw.ALERTMANAGER_URL,
    ...optional({
      orderServiceUrl: raw.ORDER_SERVICE_URL,
      grafanaUrl: raw.GRAFANA_URL,
      jaegerUrl: raw.JAEGER_URL,
      kibanaUrl: raw.KIBANA_URL,
      jaegerQueryUrl: raw.JAEGER_QUERY_URL,
      elasticsearchUrl: raw.ELASTICSEARCH_URL,
      pagerSinkUrl: raw.PAGER_SINK_URL,
    }),
    runbookBaseUrl: raw.RUNBOOK_BASE_URL,
    pagingReceiver: raw.PAGING_RECEIVER,
    demoMode: raw.DEMO_MODE,
  };
}
