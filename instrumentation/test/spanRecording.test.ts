/**
 * What a span records, held to the official OpenTelemetry SDK as the oracle: the same calls on a
 * Faultline span and on an SDK span, under the same `OTEL_*_LIMIT` environment, keep the same
 * attributes, events, links and dropped counts (the SDK drops the oldest event and link past a
 * limit, truncates strings, limits event and link attributes); the ratio sampler keeps exactly
 * the traces the SDK's keeps; and span times follow the wall clock, not just the process start.
 */
import { SpanKind, TraceFlags, context, type Link, type Span } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { EnvReader } from '../src/config/readers.ts';
import { DEFAULT_SPAN_LIMITS, parseSpanLimits } from '../src/config/spanLimits.ts';
import type { SpanLimits } from '../src/config/types.ts';
import { FaultlineTracerProvider, type SpanPipeline } from '../src/tracing/FaultlineTracer.ts';
import type { RecordedSpan } from '../src/tracing/RecordedSpan.ts';
import { createSampler } from '../src/tracing/sampler.ts';
import { unixNanoString } from '../src/tracing/time.ts';

const LIMIT_VARIABLES = [
  'OTEL_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT',
  'OTEL_SPAN_EVENT_COUNT_LIMIT',
  'OTEL_SPAN_LINK_COUNT_LIMIT',
  'OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_LINK_ATTRIBUTE_COUNT_LIMIT',
  'OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT',
  'OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT',
];
const THROWN = new TypeError('bad input');

function faultlineTracer(limits: SpanLimits): { start(name: string): Span; ended: RecordedSpan[] } {
  const ended: RecordedSpan[] = [];
  const sink: SpanPipeline = {
    onEnd: (span) => void ended.push(span as RecordedSpan),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const tracer = new FaultlineTracerProvider(() => true, sink, limits).getTracer('parity');
  return { start: (name) => tracer.startSpan(name, { kind: SpanKind.INTERNAL }, context.active()), ended };
}

function link(index: number, attributes: Record<string, string>): Link {
  const hex = index.toString(16).padStart(2, '0');
  return {
    context: { traceId: `${hex}`.repeat(16), spanId: `${hex}`.repeat(8), traceFlags: TraceFlags.SAMPLED },
    attributes,
  };
}

/** The same calls, made on either implementation's span. */
function record(span: Span): void {
  span.setAttributes({ a: 'abcdefghij', b: ['long string', 'x'], c: 42, d: true, e: 1.5 });
  span.setAttribute('a', 'overwritten value');
  span.setAttribute('f', 'late');
  span.setAttribute('constructor', 'a key Object.prototype also has');
  for (let i = 0; i < 4; i++) span.addEvent(`event ${i}`, { n: i, text: 'event attribute', extra: 'x' });
  span.addLink(link(1, { one: 'first link attribute', two: 'second' }));
  span.addLinks([link(2, { one: 'b' }), link(3, {})]);
  span.recordException(THROWN);
  span.recordException({ code: 'ECONNRESET', message: 'socket hang up', name: 'Error' });
  span.recordException({ message: '' });
  span.end();
}

interface Recorded {
  attributes: unknown;
  droppedAttributes: number;
  events: unknown[];
  droppedEvents: number;
  links: unknown[];
  droppedLinks: number;
}

function fromFaultline(span: RecordedSpan): Recorded {
  return {
    attributes: { ...span.attributes },
    droppedAttributes: span.droppedAttributes,
    events: (span.events ?? []).map((event) => [event.name, event.attributes ?? {}, event.droppedAttributes]),
    droppedEvents: span.droppedEvents,
    links: (span.links ?? []).map((item) => [
      item.context.spanId,
      item.attributes ?? {},
      item.droppedAttributes,
    ]),
    droppedLinks: span.droppedLinks,
  };
}

function fromSdk(env: Record<string, string>): Recorded {
  const exporter = new InMemorySpanExporter();
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    record(provider.getTracer('parity').startSpan('span'));
  } finally {
    for (const name of LIMIT_VARIABLES) delete process.env[name];
    Object.assign(process.env, saved);
  }
  const [span] = exporter.getFinishedSpans();
  return {
    attributes: { ...span!.attributes },
    droppedAttributes: span!.droppedAttributesCount,
    events: span!.events.map((event) => [
      event.name,
      event.attributes ?? {},
      event.droppedAttributesCount ?? 0,
    ]),
    droppedEvents: span!.droppedEventsCount,
    links: span!.links.map((item) => [
      item.context.spanId,
      item.attributes ?? {},
      item.droppedAttributesCount ?? 0,
    ]),
    droppedLinks: span!.droppedLinksCount,
  };
}

describe('a span, against the OpenTelemetry SDK under the same limit variables', () => {
  it.each([
    ['the defaults', {}],
    [
      'every span limit set',
      {
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '4',
        OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '5',
        OTEL_SPAN_EVENT_COUNT_LIMIT: '3',
        OTEL_SPAN_LINK_COUNT_LIMIT: '2',
        // The names the JavaScript SDK reads for the specification's OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT
        // and OTEL_LINK_ATTRIBUTE_COUNT_LIMIT (which it ignores).
        OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT: '1',
        OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT: '1',
      },
    ],
    [
      'only the general attribute limits',
      { OTEL_ATTRIBUTE_COUNT_LIMIT: '2', OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '3' },
    ],
    [
      'span limits overriding general ones',
      {
        OTEL_ATTRIBUTE_COUNT_LIMIT: '1',
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '3',
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '2',
        OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '6',
      },
    ],
    ['zero events and links', { OTEL_SPAN_EVENT_COUNT_LIMIT: '0', OTEL_SPAN_LINK_COUNT_LIMIT: '0' }],
  ])('keeps and drops what the SDK does with %s', (_name, env: Record<string, string>) => {
    const reader = new EnvReader(env);
    const { start, ended } = faultlineTracer(parseSpanLimits(reader));
    expect(reader.issues).toEqual([]);
    record(start('span'));
    expect(fromFaultline(ended[0]!)).toEqual(fromSdk(env));
  });

  it('drops a link to an invalid span context and counts it, so the batch stays decodable', () => {
    const { start, ended } = faultlineTracer(DEFAULT_SPAN_LIMITS);
    const span = start('span');
    span.addLink({ context: { traceId: 'not hex', spanId: 'zz'.repeat(8), traceFlags: 1 } });
    span.addLink({ context: { traceId: '0'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 } });
    span.addLink(link(7, {}));
    span.end();
    expect(ended[0]!.links?.map((item) => item.context.spanId)).toEqual(['07'.repeat(8)]);
    expect(ended[0]!.droppedLinks).toBe(2);
  });

  it('reads the event and link attribute limits under the specification names first', () => {
    const limits = parseSpanLimits(
      new EnvReader({
        OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: '3',
        OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT: '9',
        OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: '4',
      }),
    );
    expect([limits.attributePerEventCount, limits.attributePerLinkCount]).toEqual([3, 4]);
  });

  it('reports a limit variable that is not a whole number, naming it, and keeps the default', () => {
    const reader = new EnvReader({ OTEL_SPAN_EVENT_COUNT_LIMIT: 'lots' });
    expect(parseSpanLimits(reader).eventCount).toBe(128);
    expect(reader.issues).toEqual([
      expect.objectContaining({ variable: 'OTEL_SPAN_EVENT_COUNT_LIMIT', value: 'lots' }),
    ]);
  });
});

describe('the trace id ratio sampler', () => {
  it('keeps exactly the traces the SDK sampler keeps, at every ratio', () => {
    let state = 17;
    const ids = Array.from({ length: 4000 }, () => {
      let id = '';
      for (let i = 0; i < 32; i++) {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        id += (state >>> 16).toString(16).slice(-1);
      }
      return id;
    });
    for (const ratio of [0, 0.0001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.999, 1]) {
      const ours = createSampler({ kind: 'traceidratio', ratio });
      const sdk = new TraceIdRatioBasedSampler(ratio);
      for (const id of [...ids, ...ids.slice(0, 100).map((item) => item.toUpperCase())]) {
        const expected =
          sdk.shouldSample(context.active(), id).decision === SamplingDecision.RECORD_AND_SAMPLED;
        if (ours(undefined, id) !== expected)
          throw new Error(`ratio ${ratio}, trace ${id}: SDK says ${expected}`);
      }
    }
  });
});

describe('span times', () => {
  afterEach(() => jest.restoreAllMocks());

  it('follow the wall clock when it has moved away from the monotonic clock since the process started', () => {
    const realNow = Date.now.bind(Date);
    const realPerformanceNow = performance.now.bind(performance);
    // The monotonic clock has run 2 s further than it really has, the wall clock a minute further.
    jest.spyOn(performance, 'now').mockImplementation(() => realPerformanceNow() + 2000);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 60_000);
    const { start, ended } = faultlineTracer(DEFAULT_SPAN_LIMITS);
    const before = BigInt(Date.now()) * 1_000_000n;
    const span = start('span');
    span.addEvent('at a Date', new Date(Date.now()));
    span.end();
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    const recorded = ended[0]!;
    const startNs = BigInt(unixNanoString(recorded.startTime + recorded.clockDrift));
    const eventNs = BigInt(unixNanoString(recorded.events![0]!.time + recorded.clockDrift));
    expect(startNs).toBeGreaterThanOrEqual(before - 1_000_000n);
    expect(startNs).toBeLessThanOrEqual(after);
    expect(eventNs).toBeGreaterThanOrEqual(before - 1_000_000n);
    expect(eventNs).toBeLessThanOrEqual(after);
  });
});
