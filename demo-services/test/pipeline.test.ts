/**
 * The trace pipeline for real: the demo's services, instrumented only by the
 * `--import @faultline/instrumentation/register` flag, export to the OpenTelemetry Collector built
 * from collector/builder-config.yaml running collector/otel-collector.yaml as committed (memory
 * limiter, tail sampling at its default 10%, batching), which forwards to Jaeger v2; traces are
 * read back from Jaeger's query API; the services' logs ship to Elasticsearch through the
 * committed template, and the trace id from Jaeger finds them. Then the Collector and Jaeger are
 * stopped mid-run and brought back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  getTrace,
  serviceOf,
  startCollector,
  startElasticsearch,
  startJaeger,
  tagValue,
  type RunningElasticsearch,
  type JaegerTrace,
  type RunningCollector,
  type RunningJaeger,
} from '../../backends/index.ts';
import path from 'node:path';
import { findLogsByTraceId } from '../../elasticsearch/findLogs.ts';
import { installElasticsearchAssets } from '../../elasticsearch/setup.ts';
import { startConsole } from '../console/server.ts';
import { isolatedDemo, removeIsolatedDemo, type IsolatedDemo } from '../demo/isolation.ts';
import { startDemo, type RunningDemo } from '../demo/startDemo.ts';
import { randomOrder } from '../load-generator/orderFactory.ts';
import { waitFor } from './support/waitFor.ts';

let isolation: IsolatedDemo;
let jaeger: RunningJaeger;
let collector: RunningCollector;
let elasticsearch: RunningElasticsearch;
let demo: RunningDemo;

/** The tail sampler decides 10 s after a trace's first span, then the batch waits up to 5 s. */
const TRACE_ARRIVAL_MS = 60_000;

beforeAll(async () => {
  isolation = await isolatedDemo('pipeline');
  jaeger = await startJaeger({ dir: isolation.stateDir });
  collector = await startCollector({ jaegerOtlpEndpoint: jaeger.otlpGrpcEndpoint, dir: isolation.stateDir });
  elasticsearch = await startElasticsearch({ dir: path.join(isolation.stateDir, 'elasticsearch') });
  await installElasticsearchAssets(elasticsearch.url, { distribution: 'core' });
  demo = await startDemo({
    ...isolation,
    observability: false,
    load: false,
    otlpEndpoint: collector.otlpHttpUrl,
    baseEnv: {
      ...process.env,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      FAULTLINE_ELASTICSEARCH_URL: elasticsearch.url,
      FAULTLINE_LOG_FLUSH_INTERVAL_MS: '200',
    },
    print: () => undefined,
  });
}, 180_000);

afterAll(async () => {
  await demo?.stop();
  await collector?.stop();
  await jaeger?.stop();
  await elasticsearch?.stop();
  if (isolation) await removeIsolatedDemo(isolation);
});

afterEach(async () => {
  await fetch(`${demo.urls['payment-provider admin']}/reset`, { method: 'POST' });
});

/** A W3C traceparent starting a sampled trace of our choosing. */
function newTrace(): { traceId: string; traceparent: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

async function setProviderFaults(faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(demo.urls['payment-provider admin'] as string, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(response.status).toBe(200);
}

/** Places an order through HAProxy inside trace `traceparent`; resolves with the order id. */
async function placeOrder(traceparent: string): Promise<string> {
  const response = await fetch(`${demo.urls.api}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), traceparent },
    body: JSON.stringify(randomOrder(false)),
  });
  const body = (await response.json()) as { orderId?: string };
  expect(response.status).toBe(202);
  return body.orderId as string;
}

async function orderStatus(orderId: string): Promise<string | undefined> {
  const { rows } = await demo.pool.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [
    orderId,
  ]);
  return rows[0]?.status;
}

/** Waits until Jaeger holds trace `traceId` with spans from every one of `services`. */
function traceWith(traceId: string, services: string[]): Promise<JaegerTrace> {
  let last: JaegerTrace | undefined;
  const seen = () => [...new Set(last?.spans.map((s) => serviceOf(last!, s)) ?? [])].join(', ');
  return waitFor(
    async () => {
      last = await getTrace(jaeger.queryUrl, traceId);
      if (!last) return undefined;
      const present = new Set(last.spans.map((s) => serviceOf(last!, s)));
      return services.every((service) => present.has(service)) ? last : undefined;
    },
    () => `trace ${traceId} in Jaeger with ${services.join(', ')}; saw ${last ? seen() : 'no trace'}`,
    TRACE_ARRIVAL_MS,
    500,
  );
}

const FLOW = ['gateway', 'order-service', 'payment-service'];

describe('a request through the instrumented demo, via the Collector as configured, in Jaeger', () => {
  it('is one trace across gateway, order-service, the broker hop and payment-service (kept as slow)', async () => {
    // Slower than the latency policy's 500 ms, so the trace is kept whatever the 10% sampler says.
    await setProviderFaults({ latencyMs: 700 });
    const { traceId, traceparent } = newTrace();
    const orderId = await placeOrder(traceparent);
    await waitFor(
      async () => ((await orderStatus(orderId)) === 'paid' ? true : undefined),
      () => 'order paid',
    );
    const trace = await traceWith(traceId, FLOW);

    const ids = new Set(trace.spans.map((s) => s.spanID));
    const orphans = trace.spans.filter((s) =>
      s.references.some((r) => r.traceID === traceId && !ids.has(r.spanID)),
    );
    // Only the gateway's server span points outside the trace: at the test's own parent span.
    expect(orphans.map((s) => serviceOf(trace, s))).toEqual(['gateway']);
    const producer = trace.spans.find((s) => tagValue(s, 'span.kind') === 'producer');
    const consumer = trace.spans.find((s) => tagValue(s, 'span.kind') === 'consumer');
    expect(producer && serviceOf(trace, producer)).toBe('order-service');
    expect(consumer && serviceOf(trace, consumer)).toBe('payment-service');
    expect(tagValue(consumer!, 'messaging.system')).toBe('rabbitmq');
    expect(consumer!.references.map((r) => r.spanID)).toContain(producer!.spanID);
    // The order saga's steps (demo-services/saga) are spans of the same trace, under the consumer.
    const steps = trace.spans.filter((s) => s.operationName.startsWith('order_fulfilment '));
    expect(steps.map((s) => s.operationName).sort()).toEqual([
      'order_fulfilment charge_payment',
      'order_fulfilment complete_order',
      'order_fulfilment reserve_stock',
    ]);
    for (const step of steps) {
      expect(serviceOf(trace, step)).toBe('payment-service');
      expect(step.references.map((r) => r.spanID)).toContain(consumer!.spanID);
      expect(tagValue(step, 'faultline.saga.id')).toBe(orderId);
    }

    // The trace id Jaeger holds finds the services' log lines in Elasticsearch.
    const logs = await waitFor(
      async () => {
        const found = await findLogsByTraceId(elasticsearch.url, traceId);
        const messages = found.map((l) => l.source.message);
        return messages.includes('order created') && messages.includes('order paid') ? found : undefined;
      },
      () => `log lines "order created" and "order paid" with trace.id ${traceId} in Elasticsearch`,
      30_000,
      500,
    );
    const spanIds = new Set(trace.spans.map((s) => s.spanID));
    // ECS fields as the shipper wrote them: dotted keys or nested objects.
    const spanIdOf = (source: Record<string, unknown>) =>
      source['span.id'] ?? (source.span as { id?: string } | undefined)?.id;
    for (const line of logs) expect(spanIds.has(spanIdOf(line.source) as string)).toBe(true);

    // The console's trace link answers with the same trace where no Jaeger UI runs.
    const console = await startConsole({
      config: { port: 0, jaegerQueryUrl: jaeger.queryUrl, elasticsearchUrl: 'http://127.0.0.1:9' },
    });
    try {
      const served = await fetch(`${console.url}/traces/${traceId}`);
      expect(served.status).toBe(200);
      expect(((await served.json()) as JaegerTrace).spans).toHaveLength(trace.spans.length);
      const malformed = await fetch(`${console.url}/traces/not-a-trace-id`);
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ message: expect.stringMatching(/traceId/) });
      const logsDown = await fetch(`${console.url}/traces/${traceId}/logs`);
      expect(logsDown.status).toBe(502);
      expect(await logsDown.json()).toMatchObject({ message: expect.stringMatching(/^Elasticsearch: /) });
    } finally {
      await console.close();
    }
  }, 120_000);

  it('keeps a fast trace that failed (the status_code policy)', async () => {
    await setProviderFaults({ errorRate: 1 });
    const { traceId, traceparent } = newTrace();
    await placeOrder(traceparent);
    const trace = await traceWith(traceId, FLOW);
    expect(trace.spans.some((s) => tagValue(s, 'otel.status_code') === 'ERROR')).toBe(true);
  }, 120_000);

  it('samples fast, healthy traces: of twenty one-span traces far fewer than all are kept', async () => {
    const fast = Array.from({ length: 20 }, newTrace);
    for (const { traceparent } of fast) {
      const response = await fetch(`${demo.urls.api}/healthz`, { headers: { traceparent } });
      expect(response.status).toBe(200);
    }
    // A failed trace sent after them is kept; once it is in Jaeger, their decisions were made.
    await setProviderFaults({ errorRate: 1 });
    const marker = newTrace();
    await placeOrder(marker.traceparent);
    await traceWith(marker.traceId, FLOW);
    const kept = (await Promise.all(fast.map(({ traceId }) => getTrace(jaeger.queryUrl, traceId)))).filter(
      Boolean,
    );
    // 10% expected; 16 or more of 20 at 10% has a probability below 1e-11.
    expect(kept.length).toBeLessThan(16);
  }, 120_000);
});

/** The value of the first sample of `name` matching `labels` in the text exposition at `url`. */
async function scrape(url: string, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(url)).text();
  const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  const match = lines.filter((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return match.reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('with the Collector and Jaeger stopped mid-run', () => {
  it('keeps serving, counts what it cannot export, and delivers new traces once they are back', async () => {
    const order = demo.processes.find((p) => p.spec.name === 'order-service')!;
    const metricsUrl = `http://127.0.0.1:${order.spec.env?.FAULTLINE_METRICS_PORT}/metrics`;
    const failuresBefore = await scrape(metricsUrl, 'faultline_telemetry_export_failures_total', {
      signal: 'traces',
    });
    const collectorPorts = collector.ports;
    const jaegerPorts = jaeger.ports;
    await collector.stop();
    await jaeger.stop();

    const paidWhileDown: string[] = [];
    for (let i = 0; i < 5; i++) paidWhileDown.push(await placeOrder(newTrace().traceparent));
    await waitFor(
      async () =>
        (await Promise.all(paidWhileDown.map(orderStatus))).every((s) => s === 'paid') ? true : undefined,
      () => 'orders placed while the backends were down to be paid',
    );
    await waitFor(
      async () =>
        (await scrape(metricsUrl, 'faultline_telemetry_export_failures_total', { signal: 'traces' })) >
        failuresBefore
          ? true
          : undefined,
      () => 'order-service to count a failed trace export',
      30_000,
    );

    jaeger = await startJaeger({ dir: isolation.stateDir, ports: jaegerPorts });
    collector = await startCollector({
      jaegerOtlpEndpoint: jaeger.otlpGrpcEndpoint,
      dir: isolation.stateDir,
      ports: collectorPorts,
    });
    await setProviderFaults({ latencyMs: 700 });
    const { traceId, traceparent } = newTrace();
    await placeOrder(traceparent);
    await traceWith(traceId, FLOW);
  }, 180_000);
});
