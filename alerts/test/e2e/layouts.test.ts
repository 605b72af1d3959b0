/**
 * The generated rules work wherever the metrics are: a real Prometheus (the pinned 3.5) scrapes
 * the same services under three layouts — one job per service, one job for all, and
 * Kubernetes-style targets (`job="<namespace>/<service>"`, `namespace`, `pod` and `service` set
 * by the target through relabel_configs, `honor_labels` off so the app's own label arrives as
 * `exported_service`) — and evaluates the rules generated from the default selectors (only the
 * windows and `for`s shortened to test speed). In each layout a healthy system raises nothing
 * but the Watchdog, and each of the demo's faults raises its alert, with its severity, on the
 * service it is about.
 *
 * What is scraped: the services' expositions come from the fault board (`support/faultBoard.ts`:
 * one instrumentation `MetricsRegistry` per service, its counters, gauges and histograms set by
 * the board and rendered by the registry's own exposition code), a stand-in for RabbitMQ's
 * `/metrics/detailed` queue families, and a real OpenTelemetry Collector (the pinned build
 * running `collector/otel-collector.yaml`) whose exporter's backend is gone: the telemetry fault
 * sends it failed spans, and its own `otelcol_exporter_send_failed_spans` raises the alert.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  freePort,
  sendFailedSpan,
  startCollector,
  startPrometheus,
  type RunningCollector,
  type RunningServer,
} from '../../../backends/index.ts';
import { defaultConfig, type AlertsConfig, type AvailabilitySlo } from '../../src/config.ts';
import { renderRuleFiles } from '../../src/render.ts';
import {
  DOWN_SERVICE,
  QUEUES,
  startFaultBoard,
  type BoardInstance,
  type FaultBoard,
} from './support/faultBoard.ts';

const [defaultSlo] = defaultConfig.slos as [AvailabilitySlo];

/** The default selectors and expressions, at test speed: 1s scrapes, windows of seconds. */
const fast: AlertsConfig = {
  ...defaultConfig,
  // The worker consumes the board's queues: the broker's series name no service, this does.
  queueMetrics: { ...defaultConfig.queueMetrics, owners: [{ queue: 'jobs[.].+', service: 'worker' }] },
  thresholds: {
    ...defaultConfig.thresholds,
    serviceDownFor: '3s',
    breakerOpenFor: '3s',
    queueRateWindow: '10s',
    queueStalledFor: '3s',
    queueNoConsumersFor: '3s',
    queueLagFor: '3s',
    deadLetterWindow: '10s',
    retryWindow: '10s',
    retryStormFor: '3s',
    telemetryWindow: '10s',
    telemetryFor: '3s',
  },
  slos: [
    {
      ...defaultSlo,
      recordedWindows: ['10s', '30s'],
      tiers: [{ burnRate: 14.4, longWindow: '30s', shortWindow: '10s', for: '3s', severity: 'critical' }],
    },
  ],
};

type Layout = 'job per service' | 'one job' | 'kubernetes';

function scrapeConfigs(layout: Layout, instances: readonly BoardInstance[]): unknown[] {
  if (layout === 'job per service') {
    return instances.map((i) => ({
      job_name: i.service,
      honor_labels: true,
      static_configs: [{ targets: [i.address] }],
    }));
  }
  if (layout === 'one job') {
    return [
      {
        job_name: 'everything',
        honor_labels: true,
        static_configs: instances.map((i) => ({ targets: [i.address], labels: { service: i.service } })),
      },
    ];
  }
  // What the Prometheus Operator writes for a ServiceMonitor, from the discovered Kubernetes
  // labels; here the discovery is static labels the relabelling reads the same way.
  return [
    {
      job_name: 'serviceMonitor/shop/faultline/0',
      honor_labels: false,
      static_configs: instances.map((i) => ({
        targets: [i.address],
        labels: { __k8s_namespace: 'shop', __k8s_service: i.service, __k8s_pod: `${i.service}-7d9f-0` },
      })),
      relabel_configs: [
        { source_labels: ['__k8s_namespace'], target_label: 'namespace' },
        { source_labels: ['__k8s_service'], target_label: 'service' },
        { source_labels: ['__k8s_pod'], target_label: 'pod' },
        {
          source_labels: ['__k8s_namespace', '__k8s_service'],
          separator: '/',
          target_label: 'job',
        },
      ],
    },
  ];
}

interface ApiAlert {
  labels: Record<string, string>;
  state: string;
}

async function alerts(prometheus: RunningServer): Promise<ApiAlert[]> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as {
    data: { alerts: ApiAlert[] };
  };
  return body.data.alerts;
}

async function instantVector(
  prometheus: RunningServer,
  expr: string,
): Promise<Array<{ metric: Record<string, string> }>> {
  const res = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = (await res.json()) as { data: { result: Array<{ metric: Record<string, string> }> } };
  return body.data.result;
}

/** The alert each fault must raise: its name, severity and the labels that say what it is about. */
function expectedAlerts(layout: Layout): Array<Record<string, string>> {
  const downTarget: Record<string, string> =
    layout === 'job per service'
      ? { job: DOWN_SERVICE }
      : layout === 'one job'
        ? { job: 'everything', service: DOWN_SERVICE }
        : {
            job: `shop/${DOWN_SERVICE}`,
            namespace: 'shop',
            pod: `${DOWN_SERVICE}-7d9f-0`,
            service: DOWN_SERVICE,
          };
  return [
    {
      alertname: 'CircuitBreakerOpen',
      severity: 'critical',
      service: 'payment-service',
      breaker: 'payment-provider',
    },
    { alertname: 'ServiceDown', severity: 'critical', ...downTarget },
    { alertname: 'ErrorBudgetBurnFast', severity: 'critical', slo: defaultSlo.name, service: 'gateway' },
    // From the broker's endpoint: the queue's consumers are gone, the broker still reports it,
    // and the alert names the queue's owner (not the broker target's own service label).
    {
      alertname: 'QueueNoConsumers',
      severity: 'critical',
      service: 'worker',
      messaging_system: 'rabbitmq',
      messaging_destination_name: QUEUES.noConsumer,
    },
    {
      alertname: 'QueueConsumerLagHigh',
      severity: 'warning',
      service: 'worker',
      messaging_destination_name: QUEUES.lag,
    },
    {
      alertname: 'DeadLetterQueueGrowing',
      severity: 'warning',
      service: 'worker',
      messaging_destination_name: QUEUES.deadLetters,
    },
    { alertname: 'RetryStorm', severity: 'warning', service: 'payment-service', operation: 'charge' },
    {
      alertname: 'TelemetryPipelineDegraded',
      severity: 'warning',
      service: 'order-service',
      cause: 'dropped',
    },
    // The Collector's own metrics: spans it fails to send.
    {
      alertname: 'TelemetryPipelineDegraded',
      severity: 'warning',
      cause: 'collector_send_failed',
      exporter: 'otlp/jaeger',
      job:
        layout === 'job per service' ? COLLECTOR : layout === 'one job' ? 'everything' : `shop/${COLLECTOR}`,
    },
  ];
}

/** Polls `probe` until it gives a value; at the deadline throws with `describe()`'s account. */
async function poll<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs, describe }: { timeoutMs: number; describe: () => string | Promise<string> },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function matches(alert: ApiAlert, expected: Record<string, string>): boolean {
  return Object.entries(expected).every(([label, value]) => alert.labels[label] === value);
}

/** The Collector's service name as its target is labelled. */
const COLLECTOR = 'otel-collector';

/**
 * A real Collector whose exporter's backend (Jaeger) is gone, retries off so a failed send
 * counts at once; `failSpans()` starts sending it failed spans, which it keeps and cannot send.
 */
async function startDeadEndCollector(): Promise<{
  collector: RunningCollector;
  instance: BoardInstance;
  failSpans(): void;
  stop(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-layouts-'));
  const collector = await startCollector({
    jaegerOtlpEndpoint: `127.0.0.1:${await freePort()}`,
    dir,
    exportRetry: false,
  });
  let sender: NodeJS.Timeout | undefined;
  return {
    collector,
    instance: { service: COLLECTOR, address: new URL(collector.metricsUrl).host },
    failSpans() {
      sender ??= setInterval(() => {
        sendFailedSpan(collector.otlpHttpUrl, 'layouts-test').catch(() => undefined);
      }, 500);
    },
    async stop() {
      clearInterval(sender);
      await collector.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe.each<Layout>(['job per service', 'one job', 'kubernetes'])('scrape layout: %s', (layout) => {
  let board: FaultBoard;
  let collector: Awaited<ReturnType<typeof startDeadEndCollector>>;
  let prometheus: RunningServer;

  beforeAll(async () => {
    board = await startFaultBoard();
    collector = await startDeadEndCollector();
    const files = Object.fromEntries(renderRuleFiles(fast).map((f) => [f.path, f.content]));
    prometheus = await startPrometheus({
      files: {
        ...files,
        'prometheus.yml': stringify({
          global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
          rule_files: Object.keys(files),
          scrape_configs: scrapeConfigs(layout, [...board.instances, collector.instance]),
        }),
      },
    });
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await collector?.stop();
    await board?.stop();
  });

  it('labels the series as the layout does', async () => {
    const series = await poll(
      async () => {
        const found = await instantVector(prometheus, 'circuit_breaker_state');
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 20_000, describe: () => 'circuit_breaker_state to be scraped' },
    );
    const labels = series[0]?.metric ?? {};
    expect(labels.service).toBe('payment-service');
    if (layout === 'kubernetes') {
      expect(labels).toMatchObject({
        job: 'shop/payment-service',
        namespace: 'shop',
        exported_service: 'payment-service',
      });
    } else {
      expect(labels.exported_service).toBeUndefined();
    }
  });

  it('a healthy system raises nothing but the Watchdog', async () => {
    // Every window of the fast config (10s, 30s) filled with healthy samples, then 5 more
    // evaluations: nothing ever pending or firing.
    await poll(
      async () => ((await instantVector(prometheus, 'count(up == 1) == 7')).length > 0 ? true : undefined),
      { timeoutMs: 20_000, describe: () => 'all seven targets up (six of the board, the Collector)' },
    );
    await poll(
      async () => {
        const samples = await instantVector(
          prometheus,
          'count_over_time(slo:sli_error:ratio_rate30s[40s]) >= 35',
        );
        return samples.length > 0 ? true : undefined;
      },
      { timeoutMs: 60_000, describe: () => '40s of healthy evaluations' },
    );
    // Nothing fired at any time; nothing was even pending once the first scrapes were in (the
    // absent() alerts are pending for the evaluations before the first scrape, far from their
    // 10m `for`).
    expect(
      await instantVector(
        prometheus,
        'count_over_time(ALERTS{alertname!="Watchdog", alertstate="firing"}[45s])',
      ),
    ).toEqual([]);
    expect(await instantVector(prometheus, 'count_over_time(ALERTS{alertname!="Watchdog"}[25s])')).toEqual(
      [],
    );
    expect((await alerts(prometheus)).map((a) => a.labels.alertname)).toEqual(['Watchdog']);
  }, 90_000);

  it("each of the demo's faults raises its alert, with its severity, on the service it is about", async () => {
    await board.injectAll();
    collector.failSpans();
    const expected = expectedAlerts(layout);
    const firing = await poll(
      async () => {
        const now = (await alerts(prometheus)).filter((a) => a.state === 'firing');
        return expected.every((e) => now.some((a) => matches(a, e))) ? now : undefined;
      },
      {
        timeoutMs: 60_000,
        describe: async () =>
          `every expected alert firing; firing: ${JSON.stringify((await alerts(prometheus)).map((a) => [a.state, a.labels]))}`,
      },
    );
    // Nothing fires that no fault explains.
    const explained = firing.filter(
      (a) => a.labels.alertname === 'Watchdog' || expected.some((e) => matches(a, e)),
    );
    expect(firing.filter((a) => !explained.includes(a)).map((a) => a.labels)).toEqual([]);
  }, 90_000);
});
