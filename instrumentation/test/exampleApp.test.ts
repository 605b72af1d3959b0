/**
 * The drop-in promise, end to end: a foreign express app started with one flag exports strict
 * OTLP spans, serves RED metrics by route template, and correlates its own winston logs.
 */
import { join } from 'node:path';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { promtoolCheckMetrics } from './support/promtool.ts';
import { ROOT, eventually, runApp, sampleValue, type RunningApp } from './support/runApp.ts';

const fixtures = join(ROOT, 'instrumentation', 'test', 'fixtures');

describe.each([
  {
    kind: 'CommonJS',
    flag: '--require' as const,
    script: join(fixtures, 'express-app.cjs'),
    protocol: 'http/protobuf',
  },
  {
    kind: 'ESM',
    flag: '--import' as const,
    script: join(fixtures, 'express-app.mjs'),
    protocol: 'http/json',
  },
])('a $kind express app started with $flag (traces over $protocol)', ({ flag, script, protocol }) => {
  let receiver: OtlpTraceReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    app = await runApp({
      script,
      flag,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('records request durations by route template, never by raw path', async () => {
    for (const id of ['1', '2', '3']) expect((await fetch(`${app.url}/users/${id}`)).status).toBe(200);
    expect((await fetch(`${app.url}/no/such/route`)).status).toBe(404);
    const text = await app.metrics();
    const count = (route: string, status: string) =>
      sampleValue(text, 'http_server_request_duration_seconds_count', {
        service: 'example-app',
        http_route: route,
        http_request_method: 'GET',
        http_response_status_code: status,
      });
    expect(count('/users/:id', '200')).toBe(3);
    expect(count('unmatched', '404')).toBe(1);
    expect(text).not.toMatch(/http_route="\/users\/\d/);
    expect(
      sampleValue(text, 'http_client_request_duration_seconds_count', {
        http_request_method: 'GET',
        server_address: '127.0.0.1',
        http_response_status_code: '200',
      }),
    ).toBe(3);
  });

  it('records the template of a mounted router’s path, not the ids in it', async () => {
    expect((await fetch(`${app.url}/users/ada/posts/99`)).status).toBe(200);
    const text = await app.metrics();
    expect(
      sampleValue(text, 'http_server_request_duration_seconds_count', {
        http_route: '/users/:userId/posts/:postId',
        http_response_status_code: '200',
      }),
    ).toBe(1);
    expect(text).not.toContain('ada');
  });

  it('serves an exposition that promtool check metrics accepts', async () => {
    await fetch(`${app.url}/users/9`);
    const { code, output } = await promtoolCheckMetrics(await app.metrics());
    expect(output).toBe('');
    expect(code).toBe(0);
  });

  it('carries trace-id exemplars on the histogram when scraped as OpenMetrics', async () => {
    await fetch(`${app.url}/users/exemplar`);
    const text = await app.metrics('application/openmetrics-text; version=1.0.0');
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toMatch(
      /http_server_request_duration_seconds_bucket\{[^}]*http_route="\/users\/:id"[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"\}/,
    );
  });

  it('exports a nested HTTP call as one trace that a strict OTLP receiver accepts', async () => {
    await fetch(`${app.url}/users/77`);
    // The outer server span ends last and may come in a later export than the inner one.
    const spans = await receiver.waitForSpans((all) => {
      const inner = all.find(
        (span) => span.name === 'GET /profiles/:id' && span.attributes['url.path'] === '/profiles/77',
      );
      return (
        inner !== undefined &&
        all.some((span) => span.spanId === inner.parentSpanId) &&
        all.some((span) => span.attributes['url.path'] === '/users/77')
      );
    });
    const inner = spans.find((span) => span.attributes['url.path'] === '/profiles/77')!;
    const outer = spans.find((span) => span.attributes['url.path'] === '/users/77')!;
    const client = spans.find((span) => span.spanId === inner.parentSpanId)!;
    expect(outer.name).toBe('GET /users/:id');
    expect(client.parentSpanId).toBe(outer.spanId);
    expect(new Set([outer.traceId, client.traceId, inner.traceId]).size).toBe(1);
    expect(client.attributes['server.port']).toBe(Number(new URL(app.url).port));
    expect(client.attributes['network.peer.address']).toBe('127.0.0.1');
    const metrics = await app.metrics();
    expect(
      sampleValue(metrics, 'http_client_request_duration_seconds_count', {
        server_port: new URL(app.url).port,
        http_response_status_code: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(outer.resource['service.name']).toBe('example-app');
    expect(receiver.rejections()).toEqual([]);
  });

  it('records an error the handler throws as an exception event, with its stack, on the server span', async () => {
    expect((await fetch(`${app.url}/fail?attempt=1&sig=abc`)).status).toBe(500);
    const span = await receiver.waitForSpan((s) => s.attributes['url.path'] === '/fail');
    expect(span.status.code).toBe(2);
    expect(span.attributes['url.query']).toBe('attempt=1&sig=REDACTED');
    expect(span.attributes['user_agent.original']).toEqual(expect.any(String));
    expect(span.attributes['network.peer.address']).toBe('127.0.0.1');
    const exception = span.events.find((event) => event.name === 'exception');
    expect(exception?.attributes).toMatchObject({ 'exception.type': 'Error', 'exception.message': 'boom' });
    expect(exception?.attributes['exception.stacktrace']).toContain('Error: boom');
    const metrics = await app.metrics();
    expect(
      sampleValue(metrics, 'http_server_request_duration_seconds_count', {
        http_route: 'unmatched',
        http_response_status_code: '500',
        url_scheme: 'http',
        error_type: '500',
      }) ??
        sampleValue(metrics, 'http_server_request_duration_seconds_count', {
          error_type: '500',
          url_scheme: 'http',
        }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('names the span of a method the conventions do not know HTTP, keeping the method sent', async () => {
    await fetch(`${app.url}/profiles/odd`, { method: 'PURGE' });
    const span = await receiver.waitForSpan(
      (s) => s.kind === 2 && s.attributes['http.request.method_original'] === 'PURGE',
    );
    // No route takes PURGE here, so the name is the conventions' method alone.
    expect(span.name).toBe('HTTP');
    expect(span.attributes['http.request.method']).toBe('_OTHER');
  });

  it('writes the trace id of the active span into the app’s own winston log lines', async () => {
    await fetch(`${app.url}/users/logged`);
    const line = await eventually(() =>
      app.logLines().find((record) => record.message === 'serving profile' && record.profileId === 'logged'),
    );
    const span = await receiver.waitForSpan((s) => s.attributes['url.path'] === '/profiles/logged');
    expect(line['trace.id']).toBe(span.traceId);
    expect(line['span.id']).toBe(span.spanId);
    expect(line['service.name']).toBe('example-app');
  });

  it('never lets a password or a card number reach logs or spans', async () => {
    const response = await fetch(`${app.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer s3cr3t-token' },
      body: JSON.stringify({ user: 'ada', password: 'hunter2', card: '4111 1111 1111 1111' }),
    });
    expect(response.status).toBe(204);
    await eventually(() => app.logLines().find((record) => record.message === 'login attempt'));
    await receiver.waitForSpan((s) => s.attributes['url.path'] === '/login');
    const everything =
      app.stdout() +
      JSON.stringify(receiver.spans(), (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value,
      );
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain('4111 1111 1111 1111');
    expect(everything).not.toContain('s3cr3t-token');
  });
});
