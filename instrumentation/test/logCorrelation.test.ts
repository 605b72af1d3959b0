/**
 * Log correlation and masking for pino and bunyan, on real apps started with the flag as child
 * processes (CommonJS and ESM): every record written while a request is served carries the
 * server span's `trace_id` and `span_id` (child loggers included), records outside a span carry
 * none, and neither a password field nor a card number in a message reaches stdout. With
 * `FAULTLINE_ELASTICSEARCH_URL` set, every record is also shipped as an ECS document, like
 * winston's, with the span's ids under their ECS names and the same masking.
 */
import { join } from 'node:path';
import {
  startElasticsearchBulkReceiver,
  type ElasticsearchBulkReceiver,
} from '../../testing/receivers/elasticsearchBulkReceiver.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { testAppDir } from '../scripts/compatibility.ts';
import { ROOT, eventually, runApp, type RunningApp } from './support/runApp.ts';

const fixtures = join(ROOT, 'instrumentation', 'test', 'fixtures');

const loggers: { logger: string; name: string; env: Record<string, string> }[] = [
  { logger: 'pino', name: 'pino (newest)', env: {} },
  { logger: 'pino', name: 'pino 8', env: { LIBRARIES_FROM: testAppDir(ROOT, 'pino8') } },
  { logger: 'bunyan', name: 'bunyan (newest)', env: {} },
  { logger: 'bunyan', name: 'bunyan 1', env: { LIBRARIES_FROM: testAppDir(ROOT, 'bunyan1') } },
];
const variants = loggers.flatMap((entry) => [
  { ...entry, kind: 'CommonJS', flag: '--require' as const, script: join(fixtures, 'loggers-app.cjs') },
  { ...entry, kind: 'ESM', flag: '--import' as const, script: join(fixtures, 'loggers-app.mjs') },
]);

describe.each(variants)('$name in the $kind app ($flag)', ({ logger, env, flag, script }) => {
  let receiver: OtlpTraceReceiver;
  let elasticsearch: ElasticsearchBulkReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    elasticsearch = await startElasticsearchBulkReceiver();
    app = await runApp({
      script,
      flag,
      env: {
        ...env,
        LOGGER: logger,
        FAULTLINE_ELASTICSEARCH_URL: elasticsearch.url,
        FAULTLINE_LOG_FLUSH_INTERVAL_MS: '50',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await elasticsearch?.close();
  });

  it('puts the server span’s trace_id and span_id on every record written inside it', async () => {
    expect((await fetch(`${app.url}/order-1`)).status).toBe(200);
    const span = await receiver.waitForSpan((s) => s.attributes['url.path'] === '/order-1');
    const lines = await eventually(() => {
      const found = app
        .logLines()
        .filter((line) => line.requestId === 'order-1' || String(line.msg).endsWith('order-1'));
      return found.length === 2 ? found : undefined;
    });
    expect(
      lines.map((line) => ({
        trace_id: line.trace_id,
        span_id: line.span_id,
        trace_flags: line.trace_flags,
      })),
    ).toEqual([
      { trace_id: span.traceId, span_id: span.spanId, trace_flags: '01' },
      { trace_id: span.traceId, span_id: span.spanId, trace_flags: '01' },
    ]);
  });

  it('ships every record to Elasticsearch as an ECS document with the span’s ids, masked', async () => {
    expect((await fetch(`${app.url}/order-3`)).status).toBe(200);
    const span = await receiver.waitForSpan((s) => s.attributes['url.path'] === '/order-3');
    const documents = await eventually(() => {
      const found = elasticsearch
        .documents()
        .map((document) => document.source)
        .filter((source) => source.requestId === 'order-3' || String(source.message).endsWith('order-3'));
      return found.length === 2 ? found : undefined;
    });
    expect(elasticsearch.rejections()).toEqual([]);
    expect(
      documents.map((source) => ({
        level: source['log.level'],
        message: source.message,
        trace: source['trace.id'],
        span: source['span.id'],
        service: source['service.name'],
      })),
    ).toEqual([
      {
        level: 'info',
        message: 'handling request',
        trace: span.traceId,
        span: span.spanId,
        service: 'example-app',
      },
      {
        level: 'warn',
        message: expect.stringMatching(/^charging card .* for order-3$/),
        trace: span.traceId,
        span: span.spanId,
        service: 'example-app',
      },
    ]);
    expect(documents[1]!.component).toBe('payments');
    expect(JSON.stringify(documents)).not.toMatch(/hunter2|4111 1111 1111 1111/);
    expect(documents.every((source) => typeof source['@timestamp'] === 'string')).toBe(true);
  });

  it('adds nothing to records written outside a span', async () => {
    const outside = await eventually(() => app.logLines().find((line) => line.msg === 'outside any request'));
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });

  it('masks a password field and a card number in a message', async () => {
    expect((await fetch(`${app.url}/order-2`)).status).toBe(200);
    await eventually(() => app.logLines().find((line) => String(line.msg).endsWith('order-2')));
    expect(app.stdout()).not.toContain('hunter2');
    expect(app.stdout()).not.toContain('4111 1111 1111 1111');
    const handled = app.logLines().find((line) => line.requestId === 'order-2')!;
    expect(handled.password).not.toBe('hunter2');
  });
});

describe('pino writing ECS through @elastic/ecs-pino-format', () => {
  let receiver: OtlpTraceReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    app = await runApp({
      script: join(fixtures, 'loggers-app.cjs'),
      flag: '--require',
      env: { LOGGER: 'pino-ecs', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('gets the span ids under their ECS names, trace.id and span.id', async () => {
    expect((await fetch(`${app.url}/ecs-1`)).status).toBe(200);
    const span = await receiver.waitForSpan((s) => s.attributes['url.path'] === '/ecs-1');
    const line = await eventually(() => app.logLines().find((record) => record.requestId === 'ecs-1'));
    expect(line['ecs.version']).toBeDefined();
    expect({ trace: line['trace.id'], span: line['span.id'], otelName: line.trace_id }).toEqual({
      trace: span.traceId,
      span: span.spanId,
      otelName: undefined,
    });
    expect(line.password).not.toBe('hunter2');
  });
});

describe('fastify’s default request logging (pino with fastify’s serializers)', () => {
  let receiver: OtlpTraceReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    app = await runApp({
      script: join(fixtures, 'fastify-logging-app.cjs'),
      flag: '--require',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('keeps the serializers’ output, correlated and masked, and the app serving', async () => {
    const response = await fetch(`${app.url}/orders/7?token=s3cr3t-token`);
    expect(await response.json()).toEqual({ id: '7' });
    const span = await receiver.waitForSpan((s) => s.attributes['url.path'] === '/orders/7');
    const lines = await eventually(() => {
      const found = app.logLines().filter((line) => line.trace_id === span.traceId);
      return found.length === 3 ? found : undefined;
    });
    const [incoming, charging, completed] = lines as Record<string, Record<string, unknown>>[];
    expect(incoming!.req).toMatchObject({ method: 'GET', remoteAddress: '127.0.0.1' });
    expect(String(incoming!.req!.url)).toMatch(/^\/orders\/7\?token=/);
    expect(completed!.res).toEqual({ statusCode: 200 });
    expect(charging!.span_id).toBe(span.spanId);
    expect(app.stdout()).not.toMatch(/hunter2|4111 1111 1111 1111|s3cr3t-token/);
  });
});
