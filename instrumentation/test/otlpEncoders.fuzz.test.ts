/**
 * Fuzz test of the OTLP encoders (protobuf and JSON): spans with arbitrary attribute keys and
 * values, events, and links with valid and malformed ids, from a seeded generator (so a failure
 * replays exactly), are encoded by Faultline and decoded with the official protos by the strict
 * receiver's decoder. Every fresh buffer the encoder allocates is filled with a canary pattern
 * first, so a byte the encoder claims but never wrote shows up as canary in the body.
 */
import { SpanKind, TraceFlags, type Attributes, type AttributeValue, type Link } from '@opentelemetry/api';
import { decodeTraceExport, type OtlpEncoding } from '../../testing/receivers/otlp/decodeTraceExport.ts';
import { DEFAULT_SPAN_LIMITS } from '../src/config/spanLimits.ts';
import { FaultlineTracerProvider, type SpanPipeline } from '../src/tracing/FaultlineTracer.ts';
import type { RecordedSpan, Scope } from '../src/tracing/RecordedSpan.ts';
import { ProtoWriter } from '../src/tracing/otlp/ProtoWriter.ts';
import type { SpanEncoding, SpanGroup } from '../src/tracing/otlp/encoding.ts';
import { jsonEncoding } from '../src/tracing/otlp/json.ts';
import { protobufEncoding } from '../src/tracing/otlp/protobuf.ts';

const CASES = 300;
const CANARY = Buffer.from('\u00a7CANARY\u00a7', 'latin1');

/** mulberry32: a small seeded generator, enough to make every case reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, max: number): number => Math.floor(rng() * (max + 1));

const ALPHABETS = ['abc.XYZ_09-', 'é中🙂\u0000\u007f\ufffd', 'a\ud800b\udc00', '"\\/\b\f\n\r\t<>&\''];
const SPECIAL_KEYS = ['constructor', 'toString', 'hasOwnProperty', 'a'.repeat(300), 'é', '🙂'];

function text(rng: Rng, maxLength: number): string {
  const alphabet = [...pick(rng, ALPHABETS)];
  let out = '';
  const length = int(rng, maxLength);
  for (let i = 0; i < length; i++) out += pick(rng, alphabet);
  return out;
}

function key(rng: Rng): string {
  return rng() < 0.15 ? pick(rng, SPECIAL_KEYS) : text(rng, 40) || 'k';
}

function primitive(rng: Rng, type: number): string | number | boolean {
  switch (type) {
    case 0:
      return text(rng, rng() < 0.05 ? 3000 : 60);
    case 1:
      return rng() < 0.5;
    case 2:
      return pick(rng, [0, -1, 1, 127, 128, -(2 ** 53 - 1), 2 ** 53 - 1, int(rng, 2 ** 40) - 2 ** 39]);
    default:
      return pick(rng, [0.5, -1e-300, 1.7976931348623157e308, Math.PI, -2.5, 2 ** 60, rng()]);
  }
}

function value(rng: Rng): AttributeValue {
  const type = int(rng, 3);
  if (rng() < 0.8) return primitive(rng, type);
  return Array.from({ length: int(rng, 5) }, () => primitive(rng, type)) as AttributeValue;
}

function attributes(rng: Rng, max: number): Attributes {
  const out: Attributes = {};
  for (let i = int(rng, max); i > 0; i--) out[key(rng)] = value(rng);
  return out;
}

function hex(rng: Rng, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) out += '0123456789abcdef'[int(rng, 15)];
  return out;
}

/** A link id: mostly valid, sometimes malformed (not hex, odd or wrong length, upper case, zero). */
function id(rng: Rng, digits: number): { id: string; valid: boolean } {
  const valid = hex(rng, digits);
  const roll = rng();
  if (roll < 0.6) return { id: valid, valid: !/^0+$/.test(valid) };
  if (roll < 0.7) return { id: valid.toUpperCase(), valid: !/^0+$/.test(valid) };
  return {
    id: pick(rng, [
      valid.slice(1),
      `${valid}0`,
      `zz${valid.slice(2)}`,
      `${valid.slice(0, -2)}é!`,
      '0'.repeat(digits),
      '',
      text(rng, digits * 2),
    ]),
    valid: false,
  };
}

function link(rng: Rng): { link: Link; valid: boolean } {
  const traceId = id(rng, 32);
  const spanId = id(rng, 16);
  return {
    link: {
      context: {
        traceId: traceId.id,
        spanId: spanId.id,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: rng() < 0.5,
      },
      attributes: attributes(rng, 6),
    },
    valid: traceId.valid && spanId.valid,
  };
}

/** `text` as UTF-8 carries it: each lone surrogate becomes U+FFFD. */
const wellFormed = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

/** The decoded form of an attribute value. */
function wire(value: AttributeValue | null | undefined): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.map((item) => wire(item as AttributeValue));
  return value;
}

function wireRecord(attributes: Attributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attributes)) out[wellFormed(k)] = wire(v);
  return out;
}

interface Case {
  readonly span: RecordedSpan;
  readonly attributes: Attributes;
  readonly events: { name: string; attributes: Attributes }[];
  readonly validLinks: Link[];
}

function spanCase(rng: Rng, provider: FaultlineTracerProvider, ended: RecordedSpan[]): Case {
  const span = provider.getTracer(text(rng, 10), text(rng, 5)).startSpan(text(rng, 80) || 'span', {
    kind: pick(rng, [SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT]),
  });
  const spanAttributes = attributes(rng, 12);
  span.setAttributes(spanAttributes);
  const events = Array.from({ length: int(rng, 3) }, () => ({
    name: text(rng, 20),
    attributes: attributes(rng, 5),
  }));
  for (const item of events) span.addEvent(item.name, item.attributes);
  const links = Array.from({ length: int(rng, 4) }, () => link(rng));
  for (const item of links) span.addLink(item.link);
  span.end();
  return {
    span: ended.at(-1)!,
    attributes: spanAttributes,
    events,
    validLinks: links.filter((item) => item.valid).map((item) => item.link),
  };
}

const identity = (attributes: Attributes): Attributes => attributes;

/** A provider that samples everything and keeps each span that ends, in order. */
function recordingProvider(): { provider: FaultlineTracerProvider; ended: RecordedSpan[] } {
  const ended: RecordedSpan[] = [];
  const sink: SpanPipeline = {
    onEnd: (span) => void ended.push(span as RecordedSpan),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  return { provider: new FaultlineTracerProvider(() => true, sink, DEFAULT_SPAN_LIMITS), ended };
}

function encode(encoding: SpanEncoding, span: RecordedSpan): Uint8Array {
  const group: SpanGroup = encoding.group();
  encoding.add(group, span, identity);
  return encoding.request([[span.scope, group] as const satisfies readonly [Scope, SpanGroup]]);
}

function containsCanary(body: Uint8Array): boolean {
  return Buffer.from(body).includes(CANARY.subarray(0, 4)) || Buffer.from(body).includes(CANARY.subarray(4));
}

let allocUnsafe: jest.SpyInstance;
beforeAll(() => {
  const real = Buffer.allocUnsafe.bind(Buffer);
  allocUnsafe = jest.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => {
    const buffer = real(size);
    for (let at = 0; at < size; at += CANARY.length) CANARY.copy(buffer, at);
    return buffer;
  });
});
afterAll(() => allocUnsafe.mockRestore());

describe.each([
  ['protobuf', protobufEncoding],
  ['json', jsonEncoding],
] as const)('the %s encoder', (name, encodingOf) => {
  it(`turns ${CASES} random spans into bodies the official protos decode to what was recorded, with no unwritten byte`, () => {
    const rng = random(name === 'protobuf' ? 17 : 71);
    const { provider, ended } = recordingProvider();
    const encoding = encodingOf({ 'service.name': 'fuzz', 'resource.key': 'é中' });
    for (let i = 0; i < CASES; i++) {
      const expected = spanCase(rng, provider, ended);
      const body = encode(encoding, expected.span);
      expect(containsCanary(body)).toBe(false);
      const [span] = decodeTraceExport(Buffer.from(body), name as OtlpEncoding);
      expect(span!.attributes).toEqual(wireRecord(expected.attributes));
      expect(span!.events.map((event) => [event.name, event.attributes])).toEqual(
        expected.events.map((event) => [wellFormed(event.name), wireRecord(event.attributes)]),
      );
      expect(span!.links).toEqual(
        expected.validLinks.map((item) => ({
          traceId: item.context.traceId.toLowerCase(),
          spanId: item.context.spanId.toLowerCase(),
          attributes: wireRecord(item.attributes ?? {}),
        })),
      );
    }
  });
});

describe('the protobuf writer', () => {
  it('writes every byte an id field claims, whatever the id string holds', () => {
    const rng = random(5);
    for (let i = 0; i < 2000; i++) {
      const writer = new ProtoWriter(64);
      const value = rng() < 0.5 ? text(rng, 40) : hex(rng, int(rng, 40));
      writer.hex(1, value);
      const bytes = writer.bytes();
      expect(containsCanary(bytes)).toBe(false);
      if (value.length >= 2) expect(bytes.length).toBe(2 + (value.length >>> 1));
    }
  });
});

describe('the protobuf encoder’s cache of recurring attributes', () => {
  it('puts the same attributes on the wire for spans that repeat them, past the per-key limit too', () => {
    const { provider, ended } = recordingProvider();
    const encoding = protobufEncoding({ 'service.name': 'cache' });
    for (let i = 0; i < 100; i++) {
      // 50 distinct routes (more than a key keeps), values of each type, one too long to keep.
      const attributes: Attributes = {
        'http.route': `/r/${i % 50}`,
        'http.request.method': i % 7 === 0 ? 'POST' : 'GET',
        'http.response.status_code': i % 2 === 0 ? 200 : 503,
        'status.text': i % 2 === 0 ? '200' : '503',
        // One key, a number and a string that print alike.
        mixed: i % 2 === 0 ? 200 : '200',
        sampled: i % 3 === 0,
        ratio: i % 2 === 0 ? 0.5 : 0.25,
        long: 'x'.repeat(150 + (i % 2)),
        list: ['a', String(i % 2)],
      };
      provider.getTracer('cache').startSpan('GET', { attributes }).end();
      const body = encode(encoding, ended.at(-1)!);
      expect(containsCanary(body)).toBe(false);
      expect(decodeTraceExport(Buffer.from(body), 'protobuf')[0]!.attributes).toEqual(wireRecord(attributes));
    }
  });
});
