/**
 * An app that brings its own OpenTelemetry setup (NodeSDK) and is also started with the flag:
 * Faultline notices the app's registration, steps aside for tracing (the app's SDK works, no
 * duplicate-registration errors, one traceparent per call, one span per operation), keeps its
 * metrics and pino correlation (with the app's span ids), and says so in one stderr line.
 */
import { join } from 'node:path';
import type { NormalisedSpan } from '../../testing/receivers/otlp/normaliseSpans.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { ROOT, eventually, runApp, sampleValue, type RunningApp } from './support/runApp.ts';

const fixtures = join(ROOT, 'instrumentation', 'test', 'fixtures');

describe.each([
  {
    kind: 'CommonJS',
    how: 'started with --require',
    flag: '--require' as const,
    script: join(fixtures, 'nodesdk-app.cjs'),
  },
  {
    kind: 'ESM',
    how: 'started with --import',
    flag: '--import' as const,
    script: join(fixtures, 'nodesdk-app.mjs'),
  },
  {
    kind: 'CommonJS',
    how: 'calling start() after its SDK started',
    flag: '--require' as const,
    script: join(fixtures, 'nodesdk-app.cjs'),
    register: join(fixtures, 'nothing.cjs'),
    env: { FAULTLINE_START_AFTER_SDK: join(ROOT, 'instrumentation', 'dist', 'index.js') },
  },
])('an app ($kind) with its own NodeSDK, $how', ({ flag, script, register, env }) => {
  let receiver: OtlpTraceReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    app = await runApp({
      script,
      flag,
      ...(register && { register }),
      env: {
        ...env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it('sends one traceparent per outgoing call', async () => {
    const response = await fetch(`${app.url}/users/ada`);
    expect(await response.json()).toEqual({ traceparents: 1 });
  });

  it('exports the app’s spans only: one server span per request, in one trace', async () => {
    await fetch(`${app.url}/users/bob`);
    const ofBob = (all: readonly NormalisedSpan[]) =>
      all.filter((span) => JSON.stringify(span.attributes).includes('bob'));
    // Both server spans and the client span between them, whichever batch each left in.
    const spans = await receiver.waitForSpans((all) => ofBob(all).length >= 3);
    const scopes = new Set(spans.map((span) => span.scope.name));
    expect(scopes).toEqual(new Set(['@opentelemetry/instrumentation-http']));
    const servers = ofBob(spans).filter((span) => span.kind === 2);
    const clients = ofBob(spans).filter((span) => span.kind === 3);
    expect({ servers: servers.length, clients: clients.length }).toEqual({ servers: 2, clients: 1 });
    expect(new Set(ofBob(spans).map((span) => span.traceId)).size).toBe(1);
  });

  it('says once on stderr what it did, with no duplicate-registration errors', () => {
    const lines = app
      .stderr()
      .split('\n')
      .filter((line) => line.includes('faultline:'));
    expect(lines).toEqual([expect.stringContaining('the app registered its own OpenTelemetry')]);
    expect(app.stderr()).not.toMatch(/duplicate registration/i);
  });

  it('keeps serving RED metrics by route template', async () => {
    await fetch(`${app.url}/users/cy`);
    const text = await app.metrics();
    expect(
      sampleValue(text, 'http_server_request_duration_seconds_count', {
        http_route: '/users/:id',
        http_response_status_code: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('correlates the app’s pino lines with the app’s own spans', async () => {
    await fetch(`${app.url}/users/dee`);
    const line = await eventually(() => app.logLines().find((record) => record.userId === 'dee'));
    const span = await receiver.waitForSpan(
      (s) => s.kind === 2 && JSON.stringify(s.attributes).includes('/users/dee'),
    );
    expect({ trace_id: line.trace_id, span_id: line.span_id }).toEqual({
      trace_id: span.traceId,
      span_id: span.spanId,
    });
  });
});
