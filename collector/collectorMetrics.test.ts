/**
 * The Collector's own metrics, for real: the Collector built from collector/builder-config.yaml
 * runs collector/otel-collector.yaml in front of Jaeger; the pinned Prometheus scrapes it as job
 * `otel-collector` with the generated telemetry-pipeline rules loaded. Healthy, the rules stay
 * silent and the dashboard's scrape-target panel sees the Collector up; with Jaeger gone, the Collector's failed sends raise `TelemetryPipelineDegraded` with
 * the labels routing and inhibition use.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import {
  getTrace,
  sendFailedSpan as sendCollectorFailedSpan,
  startCollector,
  startJaeger,
  startPrometheus,
  type RunningCollector,
  type RunningJaeger,
  type RunningServer,
} from '../backends/index.ts';
import { telemetryPipelineQueries } from '../dashboards/src/queries/telemetryPipeline.ts';
import { pollUntil } from '../testing/receivers/shared/waitFor.ts';

let dir: string;
let jaeger: RunningJaeger;
let collector: RunningCollector;
let prometheus: RunningServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-collector-metrics-'));
  jaeger = await startJaeger({ dir });
  collector = await startCollector({
    jaegerOtlpEndpoint: jaeger.otlpGrpcEndpoint,
    dir,
    // Spans count as failed once retries give up (300 s as configured): here, at the first failure.
    exportRetry: false,
  });
  prometheus = await startPrometheus({
    files: {
      'prometheus.yml': stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        rule_files: [resolve('alerts/rules/telemetry-pipeline.rules.yml')],
        scrape_configs: [
          { job_name: 'otel-collector', static_configs: [{ targets: [new URL(collector.metricsUrl).host] }] },
        ],
      }),
    },
  });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await collector?.stop();
  await jaeger?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Sends one failed span (kept by the tail sampler's status_code policy) over OTLP/HTTP JSON. */
function sendFailedSpan(): Promise<string> {
  return sendCollectorFailedSpan(collector.otlpHttpUrl, 'collector-metrics-test');
}

/** The value of PromQL `expr` now, or undefined while it has no result. */
async function instant(expr: string): Promise<number | undefined> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { data: { result: Array<{ value: [number, string] }> } };
  const value = body.data.result[0]?.value[1];
  return value === undefined ? undefined : Number(value);
}

interface ActiveAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

/** When the oldest of Prometheus's rule groups was last evaluated, in Unix seconds. */
async function lastEvaluation(): Promise<number> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
    data: { groups: Array<{ lastEvaluation: string }> };
  };
  return Math.min(...body.data.groups.map((g) => Date.parse(g.lastEvaluation) / 1000));
}

async function activeAlerts(): Promise<ActiveAlert[]> {
  const body = (await (await fetch(`${prometheus.url}/api/v1/alerts`)).json()) as {
    data: { alerts: ActiveAlert[] };
  };
  return body.data.alerts.filter((a) => a.labels.alertname === 'TelemetryPipelineDegraded');
}

const WAIT = { timeoutMs: 60_000, intervalMs: 500 };

describe('the Collector, scraped by Prometheus with the telemetry-pipeline rules', () => {
  it('is silent while spans reach Jaeger', async () => {
    const traceId = await sendFailedSpan();
    await pollUntil(
      () => getTrace(jaeger.queryUrl, traceId),
      () => `trace ${traceId} in Jaeger`,
      WAIT,
    );
    await pollUntil(
      async () =>
        ((await instant('otelcol_exporter_sent_spans_total{exporter="otlp/jaeger"}')) ?? 0) > 0 || undefined,
      () => 'Prometheus to hold the Collector counting a sent span',
      WAIT,
    );
    const seen = Date.now() / 1000;
    await pollUntil(
      async () => ((await lastEvaluation()) > seen + 1 ? true : undefined),
      () => 'a rule evaluation',
      WAIT,
    );
    expect(await instant('up{job="otel-collector"}')).toBe(1);
    // The Telemetry pipeline dashboard's panel over the Collector's scrape target, as generated.
    const scrapeTargets = telemetryPipelineQueries.scrapeTargets[0]!;
    const response = await fetch(
      `${prometheus.url}/api/v1/query?query=${encodeURIComponent(scrapeTargets.expr)}`,
    );
    const panel = (await response.json()) as {
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    expect(panel.data.result.map((r) => [r.metric.job, r.value[1]])).toEqual([['otel-collector', '1']]);
    expect(await activeAlerts()).toEqual([]);
  }, 90_000);

  it('raises TelemetryPipelineDegraded for failed sends when Jaeger is gone, naming the exporter', async () => {
    await jaeger.stop();
    // An outage with traffic going on: a counter that first appears already at 1 has no rate, the
    // increments after it do.
    const alert = await pollUntil(
      async () => {
        await sendFailedSpan();
        return (await activeAlerts()).find((a) => a.labels.cause === 'collector_send_failed');
      },
      () => 'TelemetryPipelineDegraded{cause="collector_send_failed"} to be pending',
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    expect(alert.labels).toMatchObject({
      severity: 'warning',
      job: 'otel-collector',
      instance: new URL(collector.metricsUrl).host,
      exporter: 'otlp/jaeger',
    });
    expect(['pending', 'firing']).toContain(alert.state);
  }, 120_000);
});
