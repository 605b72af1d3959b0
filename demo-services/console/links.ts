/**
 * Deep links from the console into Grafana, Jaeger and Kibana, built from their configurable
 * base URLs. Pure functions: the page and the tests build the same URLs.
 */
import { defaultConfig, type DashboardKey } from '@faultline/alerts';
import { logFields } from '@faultline/instrumentation';

/**
 * The base URLs links are built on. A tool without a URL is not configured (the local demo runs
 * no Grafana, Jaeger UI or Kibana): no link to it is shown.
 */
export interface LinkBases {
  readonly grafanaUrl?: string;
  readonly jaegerUrl?: string;
  readonly kibanaUrl?: string;
  /**
   * Set where the console reads traces from Jaeger's query API itself (no Jaeger UI, as in the
   * local demo): an order's trace link is then the console's `/traces/<id>`.
   */
  readonly jaegerQueryUrl?: string;
  /** Likewise for logs (no Kibana): an order's logs link is then `/traces/<id>/logs`. */
  readonly elasticsearchUrl?: string;
}

/** A link as the page shows it. */
export interface Link {
  readonly title: string;
  readonly href: string;
}

const DASHBOARD_TITLES: Record<DashboardKey, string> = {
  serviceOverview: 'Service overview',
  faultTolerance: 'Fault tolerance',
  queues: 'Queues',
  slo: 'SLO',
  telemetryPipeline: 'Telemetry pipeline',
};

/** Every Faultline dashboard in Grafana, by the UIDs the alerts and dashboards share; none without Grafana. */
export function grafanaDashboards(bases: LinkBases): Link[] {
  const { grafanaUrl } = bases;
  if (grafanaUrl === undefined) return [];
  return (Object.keys(DASHBOARD_TITLES) as DashboardKey[]).map((key) => ({
    title: DASHBOARD_TITLES[key],
    href: `${grafanaUrl}/d/${encodeURIComponent(defaultConfig.dashboards[key])}`,
  }));
}

/**
 * An order's trace: the console's own view when it reads Jaeger's API, else the Jaeger UI, else
 * none.
 */
export function orderTrace(bases: LinkBases, traceId: string): string | undefined {
  return bases.jaegerQueryUrl ? `/traces/${encodeURIComponent(traceId)}` : jaegerTrace(bases, traceId);
}

/** An order's log lines: the console's own view when it reads Elasticsearch, else Kibana, else none. */
export function orderLogs(bases: LinkBases, traceId: string): string | undefined {
  return bases.elasticsearchUrl
    ? `/traces/${encodeURIComponent(traceId)}/logs`
    : kibanaTraceLogs(bases, traceId);
}

/** The trace in the Jaeger UI, when one is configured. */
export function jaegerTrace(bases: LinkBases, traceId: string): string | undefined {
  return bases.jaegerUrl === undefined
    ? undefined
    : `${bases.jaegerUrl}/trace/${encodeURIComponent(traceId)}`;
}

/** Jaeger's search page, when a Jaeger UI is configured. */
export function jaegerSearch(bases: LinkBases): string | undefined {
  return bases.jaegerUrl === undefined ? undefined : `${bases.jaegerUrl}/search`;
}

function rison(text: string): string {
  // Rison quotes strings with ' and escapes ' and ! with !.
  return `'${text.replace(/[!']/g, (c) => `!${c}`)}'`;
}

/** Kibana Discover over the last hour, filtered to `kuery` when given; none without Kibana. */
export function kibanaDiscover(bases: LinkBases, kuery?: string): string | undefined {
  if (bases.kibanaUrl === undefined) return undefined;
  const time = '_g=(time:(from:now-1h,to:now))';
  if (kuery === undefined) return `${bases.kibanaUrl}/app/discover#/?${time}`;
  const app = `_a=(query:(language:kuery,query:${rison(kuery)}))`;
  return `${bases.kibanaUrl}/app/discover#/?${time}&${encodeURI(app).replace(/#/g, '%23').replace(/&/g, '%26')}`;
}

/** Kibana Discover showing the log lines of one trace, when Kibana is configured. */
export function kibanaTraceLogs(bases: LinkBases, traceId: string): string | undefined {
  return kibanaDiscover(bases, `${logFields.traceId}:"${traceId}"`);
}
