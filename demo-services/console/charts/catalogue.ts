/**
 * The charts the console draws: the only queries its chart endpoint runs (the browser names a
 * chart, never a query). Each is a panel of a generated Grafana dashboard, named by dashboard uid
 * and panel title and read from the dashboard's JSON, so the console and Grafana chart the same
 * thing. The orders charts are the one exception: they show the demo shop's own business
 * metrics, which no Faultline dashboard carries.
 */
import { defaultConfig } from '@faultline/alerts';
import { demoMetricNames } from '../../shared/demoMetrics.ts';

/** Where a chart's queries come from. */
export type ChartSource =
  | {
      readonly kind: 'panel';
      /** The dashboard's uid. */
      readonly dashboard: string;
      /** The panel's title in that dashboard. */
      readonly panel: string;
      /** Only these targets of the panel (default: every one). */
      readonly refIds?: readonly string[];
      /** Values of the dashboard's variables (default: "All"). */
      readonly variables?: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'demo';
      readonly unit: string;
      readonly targets: readonly { readonly expr: string; readonly legend: string }[];
    };

/** How a chart is drawn: lines, or a state per series (the breakers: closed, half-open, open). */
export type ChartDisplay = 'lines' | 'states';

/** One chart. */
export interface ChartDefinition {
  readonly key: string;
  readonly title: string;
  readonly display: ChartDisplay;
  readonly source: ChartSource;
}

const { dashboards } = defaultConfig;
const RATE = '[$__rate_interval]';
const panel = (
  dashboard: string,
  title: string,
  options: { refIds?: readonly string[]; variables?: Record<string, string> } = {},
): ChartSource => ({ kind: 'panel', dashboard, panel: title, ...options });
const gateway = { variables: { service: 'gateway' } };

/** Every chart, in page order. */
export const chartCatalogue: readonly ChartDefinition[] = [
  {
    key: 'orders',
    title: 'Orders per second',
    display: 'lines',
    source: {
      kind: 'demo',
      unit: 'ops',
      targets: [
        { expr: `sum(rate(${demoMetricNames.ordersCreated}${RATE}))`, legend: 'accepted' },
        { expr: `sum by (outcome) (rate(${demoMetricNames.payments}${RATE}))`, legend: '{{outcome}}' },
      ],
    },
  },
  {
    key: 'orders-pending',
    title: 'Orders pending',
    display: 'lines',
    source: {
      kind: 'demo',
      unit: 'short',
      targets: [{ expr: `max(${demoMetricNames.ordersPending})`, legend: 'pending' }],
    },
  },
  {
    key: 'gateway-requests',
    title: 'Gateway requests',
    display: 'lines',
    source: panel(dashboards.serviceOverview, 'Requests by route', gateway),
  },
  {
    key: 'gateway-errors',
    title: 'Gateway error ratio',
    display: 'lines',
    source: panel(dashboards.serviceOverview, '5xx ratio by route', gateway),
  },
  {
    key: 'gateway-latency',
    title: 'Gateway latency p50 / p99',
    display: 'lines',
    source: panel(dashboards.serviceOverview, 'Duration percentiles by service', {
      ...gateway,
      refIds: ['A', 'C'],
    }),
  },
  {
    key: 'breakers',
    title: 'Circuit breakers',
    display: 'states',
    source: panel(dashboards.faultTolerance, 'Breaker state'),
  },
  {
    key: 'retries',
    title: 'Retry attempts by outcome',
    display: 'lines',
    source: panel(dashboards.faultTolerance, 'Attempts by outcome'),
  },
  {
    key: 'queue-depth',
    title: 'Queue depth',
    display: 'lines',
    source: panel(dashboards.queues, 'Queue depth'),
  },
  {
    key: 'consumer-lag',
    title: 'Consumer lag',
    display: 'lines',
    source: panel(dashboards.queues, 'Consumer lag percentiles'),
  },
  {
    key: 'kafka-lag',
    title: 'Kafka consumer-group lag',
    display: 'lines',
    source: panel(dashboards.queues, 'Kafka consumer-group lag'),
  },
  {
    key: 'dead-letters',
    title: 'Dead letters waiting',
    display: 'lines',
    source: panel(dashboards.queues, 'Dead-letter queue depth'),
  },
  {
    key: 'telemetry-exported',
    title: 'Telemetry exported',
    display: 'lines',
    source: panel(dashboards.telemetryPipeline, 'Exported'),
  },
  {
    key: 'telemetry-dropped',
    title: 'Telemetry dropped',
    display: 'lines',
    source: panel(dashboards.telemetryPipeline, 'Dropped by reason'),
  },
];
