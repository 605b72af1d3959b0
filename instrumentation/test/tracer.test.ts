/**
 * Faultline's tracer and span export, in process, against the strict OTLP receiver: what a span
 * records reaches the backend intact in both encodings, secrets are masked, sampling follows the
 * configuration, and the export queue's bound, retries and counters hold.
 */
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { startOtlpGrpcTraceReceiver } from '../../testing/receivers/otlpGrpcTraceReceiver.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import type { NormalisedSpan } from '../../testing/receivers/otlp/normaliseSpans.ts';
import type { OtlpProtocol, SamplerConfig, TracesEnabled } from '../src/config/types.ts';
import { DEFAULT_SPAN_LIMITS } from '../src/config/spanLimits.ts';
import { SelfLogger } from '../src/logs/SelfLogger.ts';
import { MetricsRegistry } from '../src/metrics/MetricsRegistry.ts';
import { createRedactor } from '../src/redaction/createRedactor.ts';
import { setupTracing, teardownTracing, type Tracing } from '../src/tracing/setupTracing.ts';
import { sampleValue } from './support/runApp.ts';

const service = {
  name: 'tracer-test',
  version: '1.2.3',
  instanceId: 'i-1',
  namespace: undefined,
  environment: undefined,
  attributes: { 'deployment.environment.name': 'test' },
};

interface Pipeline {
  readonly tracing: Tracing;
  readonly metrics: MetricsRegistry;
  readonly selfLog: string[];
  counter(name: string, labels: Record<string, string>): Promise<number | undefined>;
}

let running: Tracing | undefined;

function pipeline(
  receiver: Pick<OtlpTraceReceiver, 'tracesUrl'>,
  overrides: Partial<TracesEnabled> & { protocol?: OtlpProtocol; sampler?: SamplerConfig } = {},
): Pipeline {
  const metrics = new MetricsRegistry({ service: service.name, defaultMetrics: false });
  const selfLog: string[] = [];
  const config: TracesEnabled = {
    enabled: true,
    url: receiver.tracesUrl,
    protocol: 'http/protobuf',
    headers: {},
    timeoutMs: 5000,
    compression: 'none',
    tls: { ca: undefined, cert: undefined, key: undefined },
    sampler: { kind: 'parentbased_always_on' },
    maxQueueSize: 2048,
    maxExportBatchSize: 512,
    scheduleDelayMs: 10,
    propagators: ['tracecontext', 'baggage'],
    limits: DEFAULT_SPAN_LIMITS,
    ...overrides,
  };
  const redactor = createRedactor({ extraKeys: [] });
  const tracing = setupTracing(
    config,
    service,
    { metrics, log: new SelfLogger(service, (line) => void selfLog.push(line)) },
    (attributes) => redactor.redactAttributes(attributes),
  );
  running = tracing;
  return {
    tracing,
    metrics,
    selfLog,
    counter: async (name, labels) => sampleValue(await metrics.render('prometheus'), name, labels),
  };
}

afterEach(async () => {
  if (running) {
    running.queue.abandon();
    running.close();
    teardownTracing();
    running = undefined;
  }
});

describe.each(['http/protobuf', 'http/json'] as const)('spans exported over %s', (protocol) => {
  let receiver: OtlpTraceReceiver;
  beforeEach(async () => {
    receiver = await startOtlpTraceReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('reach the backend with everything they recorded, in one trace', async () => {
    const { tracing } = pipeline(receiver, { protocol });
    const tracer = trace.getTracer('checkout-lib', '4.5.6');
    const before = BigInt(Date.now()) * 1_000_000n;
    const link = {
      context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: true },
    };
    tracer.startActiveSpan(
      'parent',
      { kind: SpanKind.SERVER, attributes: { 'http.route': '/orders/:id' } },
      (parent: Span) => {
        const child = tracer.startSpan('child', { kind: SpanKind.CLIENT, links: [link] });
        child.setAttributes({
          'a.string': 'été ✓',
          'a.int': 42,
          'a.negative': -7,
          'a.double': 1.5,
          'a.bool': false,
          'a.strings': ['x', 'y'],
          'a.ints': [1, 2, 3],
          'a.undefined': undefined,
        });
        child.addEvent('retry', { 'retry.attempt': 2 });
        child.recordException(new TypeError('provider said no'));
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'charge failed' });
        child.updateName('POST /charges');
        child.end();
        parent.end();
      },
    );
    await tracing.queue.forceFlush();
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    const spans = await receiver.waitForSpans((all) => all.length === 2);
    expect(receiver.rejections()).toEqual([]);
    expect(
      receiver.exports().every((e) => e.encoding === (protocol === 'http/json' ? 'json' : 'protobuf')),
    ).toBe(true);
    const parent = spans.find((s) => s.name === 'parent')!;
    const child = spans.find((s) => s.name === 'POST /charges')!;
    expect(child.traceId).toBe(parent.traceId);
    expect(child.parentSpanId).toBe(parent.spanId);
    expect(parent.parentSpanId).toBe('');
    expect(parent.kind).toBe(2); // SPAN_KIND_SERVER
    expect(child.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(parent.attributes).toEqual({ 'http.route': '/orders/:id' });
    expect(child.attributes).toEqual({
      'a.string': 'été ✓',
      'a.int': 42,
      'a.negative': -7,
      'a.double': 1.5,
      'a.bool': false,
      'a.strings': ['x', 'y'],
      'a.ints': [1, 2, 3],
    });
    expect(child.status).toEqual({ code: 2, message: 'charge failed' });
    expect(child.events.map((e) => e.name)).toEqual(['retry', 'exception']);
    expect(child.events[0]!.attributes).toEqual({ 'retry.attempt': 2 });
    expect(child.events[1]!.attributes).toMatchObject({
      'exception.type': 'TypeError',
      'exception.message': 'provider said no',
    });
    expect(child.links).toHaveLength(1);
    expect(child.links[0]).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    for (const span of spans) {
      expect(span.startTimeUnixNano).toBeGreaterThanOrEqual(before - 1_000_000n);
      expect(span.endTimeUnixNano).toBeGreaterThanOrEqual(span.startTimeUnixNano);
      expect(span.endTimeUnixNano).toBeLessThanOrEqual(after);
      expect(span.resource).toMatchObject({
        'service.name': 'tracer-test',
        'service.version': '1.2.3',
        'deployment.environment.name': 'test',
        'process.pid': process.pid,
        // Faultline is not the official SDK: that name is reserved for it.
        'telemetry.sdk.name': 'faultline',
        'telemetry.sdk.language': 'nodejs',
        'telemetry.sdk.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
        'host.arch': process.arch === 'x64' ? 'amd64' : expect.any(String),
      });
      expect(span.resource).not.toHaveProperty('telemetry.distro.name');
    }
    expect(child.scope).toEqual({ name: 'checkout-lib', version: '4.5.6' });
  });

  it('mask secrets in span, event and link attributes before they leave the process', async () => {
    const { tracing } = pipeline(receiver, { protocol });
    const span = trace.getTracer('t').startSpan('login', {
      attributes: { 'user.password': 'hunter2', 'http.request.header.authorization': 'Bearer abc.def' },
    });
    span.addEvent('card', { 'payment.card_number': '4111 1111 1111 1111' });
    span.end();
    await tracing.queue.forceFlush();
    const [exported] = await receiver.waitForSpans((all) => all.length === 1);
    const text = JSON.stringify(exported, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('abc.def');
    expect(text).not.toContain('4111 1111 1111 1111');
    expect(Object.keys(exported!.attributes)).toEqual(['user.password', 'http.request.header.authorization']);
  });
});

describe('sampling', () => {
  let receiver: OtlpTraceReceiver;
  beforeEach(async () => {
    receiver = await startOtlpTraceReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('keeps about the configured ratio of root traces, and children follow their parent', async () => {
    const { tracing } = pipeline(receiver, { sampler: { kind: 'parentbased_traceidratio', ratio: 0.25 } });
    const tracer = trace.getTracer('t');
    let sampledRoots = 0;
    for (let i = 0; i < 2000; i++) {
      const root = tracer.startSpan('root');
      const sampled = (root.spanContext().traceFlags & 1) === 1;
      if (sampled) sampledRoots++;
      const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), root));
      expect(child.spanContext().traceFlags & 1).toBe(sampled ? 1 : 0);
      expect(child.isRecording()).toBe(sampled);
      child.end();
      root.end();
    }
    expect(sampledRoots).toBeGreaterThan(400);
    expect(sampledRoots).toBeLessThan(600);
    await tracing.queue.forceFlush();
    const spans = await receiver.waitForSpans((all) => all.length === sampledRoots * 2);
    expect(new Set(spans.map((s: NormalisedSpan) => s.traceId)).size).toBe(sampledRoots);
  });

  it('records nothing with always_off, but still propagates a valid context', () => {
    pipeline(receiver, { sampler: { kind: 'always_off' } });
    const span = trace.getTracer('t').startSpan('dropped');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanContext().traceId).not.toBe('0'.repeat(32));
    span.end();
    expect(running!.queue.queued).toBe(0);
  });
});

describe('the export queue', () => {
  it('holds at most its bound while the backend hangs, and counts every span it drops', async () => {
    const receiver = await startOtlpTraceReceiver({ mode: 'hang' });
    try {
      const { tracing, counter } = pipeline(receiver, {
        maxQueueSize: 20,
        maxExportBatchSize: 5,
        timeoutMs: 60_000,
      });
      const tracer = trace.getTracer('t');
      for (let i = 0; i < 100; i++) tracer.startSpan(`s${i}`).end();
      await receiver.waitForRequestCount(1);
      expect(tracing.queue.queued).toBe(20);
      expect(
        await counter('faultline_telemetry_dropped_total', { signal: 'traces', reason: 'queue_full' }),
      ).toBe(80);
      expect(await counter('faultline_telemetry_queue_size', { signal: 'traces' })).toBe(20);
    } finally {
      await receiver.close();
    }
  });

  it('retries while the backend answers 503, then delivers the batch once it recovers', async () => {
    const receiver = await startOtlpTraceReceiver({ mode: 'error' });
    try {
      const { tracing, counter } = pipeline(receiver, { timeoutMs: 10_000 });
      trace.getTracer('t').startSpan('eventually').end();
      const flushed = tracing.queue.forceFlush();
      await receiver.waitForRequestCount(2);
      receiver.setMode('ok');
      await flushed;
      expect(receiver.spans().map((s) => s.name)).toEqual(['eventually']);
      expect(await counter('faultline_telemetry_exported_total', { signal: 'traces' })).toBe(1);
      expect(
        await counter('faultline_telemetry_dropped_total', { signal: 'traces', reason: 'export_failed' }),
      ).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it.each(['http/protobuf', 'http/json'] as const)(
    'counts spans the backend refuses in a partial success as dropped, not exported (%s)',
    async (protocol) => {
      const receiver = await startOtlpTraceReceiver();
      try {
        receiver.setAnswer({ partialSuccess: { rejectedSpans: 2, errorMessage: 'span too old' } });
        const { tracing, counter, selfLog } = pipeline(receiver, { protocol });
        for (const name of ['a', 'b', 'c']) trace.getTracer('t').startSpan(name).end();
        await tracing.queue.forceFlush();
        expect(await counter('faultline_telemetry_exported_total', { signal: 'traces' })).toBe(1);
        expect(
          await counter('faultline_telemetry_dropped_total', { signal: 'traces', reason: 'rejected' }),
        ).toBe(2);
        expect(selfLog.filter((line) => line.includes('span too old'))).toHaveLength(1);
      } finally {
        await receiver.close();
      }
    },
  );

  it('counts spans a gRPC backend refuses in a partial success as dropped, and says who sends', async () => {
    const receiver = await startOtlpGrpcTraceReceiver();
    try {
      receiver.setPartialSuccess({ rejectedSpans: 2, errorMessage: 'span too old' });
      const { tracing, counter, selfLog } = pipeline({ tracesUrl: receiver.url }, { protocol: 'grpc' });
      for (const name of ['a', 'b', 'c']) trace.getTracer('t').startSpan(name).end();
      await tracing.queue.forceFlush();
      expect(receiver.spans()).toHaveLength(3);
      expect(await counter('faultline_telemetry_exported_total', { signal: 'traces' })).toBe(1);
      expect(
        await counter('faultline_telemetry_dropped_total', { signal: 'traces', reason: 'rejected' }),
      ).toBe(2);
      expect(selfLog.filter((line) => line.includes('span too old'))).toHaveLength(1);
      expect(receiver.requests()[0]!.userAgent).toMatch(/^Faultline-OTLP-Exporter-JavaScript\/\d+\.\d+\.\d+/);
    } finally {
      await receiver.close();
    }
  });

  it('says who sends in the User-Agent of every export', async () => {
    const receiver = await startOtlpTraceReceiver();
    try {
      const { tracing } = pipeline(receiver);
      trace.getTracer('t').startSpan('a').end();
      await tracing.queue.forceFlush();
      expect(receiver.exports()[0]!.userAgent).toMatch(/^Faultline-OTLP-Exporter-JavaScript\/\d+\.\d+\.\d+/);
    } finally {
      await receiver.close();
    }
  });

  it('waits as long as Retry-After asks, so a wait past the deadline fails the export without retrying', async () => {
    const receiver = await startOtlpTraceReceiver({ mode: 'error' });
    try {
      // 30 s is past the 5 s deadline: retrying after a shortened wait would hammer a backend
      // that asked for quiet.
      receiver.setAnswer({ retryAfter: '30' });
      const { tracing, counter } = pipeline(receiver, { timeoutMs: 5000 });
      trace.getTracer('t').startSpan('a').end();
      await tracing.queue.forceFlush();
      expect(receiver.requestCount()).toBe(1);
      expect(
        await counter('faultline_telemetry_dropped_total', { signal: 'traces', reason: 'export_failed' }),
      ).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('drops and counts a batch the backend refuses for good, and says so once', async () => {
    const receiver = await startOtlpTraceReceiver();
    try {
      // A path the receiver does not serve: 404 is not retryable.
      const { tracing, counter, selfLog } = pipeline(receiver, { url: `${receiver.url}/nowhere` });
      const tracer = trace.getTracer('t');
      tracer.startSpan('a').end();
      await tracing.queue.forceFlush();
      tracer.startSpan('b').end();
      await tracing.queue.forceFlush();
      expect(
        await counter('faultline_telemetry_dropped_total', { signal: 'traces', reason: 'export_failed' }),
      ).toBe(2);
      expect(await counter('faultline_telemetry_export_failures_total', { signal: 'traces' })).toBe(2);
      expect(selfLog.filter((line) => line.includes('trace export failing'))).toHaveLength(1);
      expect(selfLog[0]).toContain('HTTP 404');
    } finally {
      await receiver.close();
    }
  });
});
