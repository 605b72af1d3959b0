/**
 * OTLP/HTTP protobuf encoding of spans (opentelemetry-proto `trace/v1`, `common/v1`,
 * `resource/v1`, `collector/trace/v1`). Field numbers are the proto's; each span is encoded once,
 * when it ends, as a `ScopeSpans.spans` entry, and a request is those bytes behind the resource
 * and scope headers.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { RecordedEvent, RecordedLink, RecordedSpan, Scope } from '../RecordedSpan.ts';
import { unixNanoHigh, unixNanoLow } from '../time.ts';
import { ProtoWriter, WireType } from './ProtoWriter.ts';
import type { SpanGroup, SpanEncoding } from './encoding.ts';

// AnyValue
const STRING_VALUE = 1;
const BOOL_VALUE = 2;
const INT_VALUE = 3;
const DOUBLE_VALUE = 4;
const ARRAY_VALUE = 5;
// Span
const SPAN = {
  traceId: 1,
  spanId: 2,
  traceState: 3,
  parentSpanId: 4,
  name: 5,
  kind: 6,
  start: 7,
  end: 8,
  attributes: 9,
  droppedAttributes: 10,
  events: 11,
  droppedEvents: 12,
  links: 13,
  droppedLinks: 14,
  status: 15,
  flags: 16,
} as const;
/** Span flags: the W3C flags, and whether the parent's remoteness is known and true. */
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;

function anyValue(writer: ProtoWriter, field: number, value: AttributeValue | null | undefined): void {
  const mark = writer.begin(field);
  switch (typeof value) {
    case 'string':
      writer.string(STRING_VALUE, value, true);
      break;
    case 'boolean':
      writer.bool(BOOL_VALUE, value);
      break;
    case 'number':
      if (Number.isSafeInteger(value)) writer.int64(INT_VALUE, value);
      else writer.double(DOUBLE_VALUE, value);
      break;
    case 'object':
      if (Array.isArray(value)) {
        const array = writer.begin(ARRAY_VALUE);
        for (const item of value as (AttributeValue | null | undefined)[]) anyValue(writer, 1, item);
        writer.end(array);
      }
      break;
    default:
      break;
  }
  writer.end(mark);
}

/** Encoded `KeyValue.key` fields of attribute names seen so far (names repeat on every span). */
const keyFields = new Map<string, Buffer>();
const KEY_CACHE_LIMIT = 1024;
const keyWriter = new ProtoWriter(256);

function keyField(key: string): Buffer {
  let encoded = keyFields.get(key);
  if (encoded === undefined) {
    keyWriter.reset();
    keyWriter.string(1, key, true);
    encoded = Buffer.from(keyWriter.bytes());
    if (keyFields.size < KEY_CACHE_LIMIT) keyFields.set(key, encoded);
  }
  return encoded;
}

/**
 * Encoded `KeyValue` messages (key and value, without the outer tag) of flat values seen before,
 * by key and then value: most attributes repeat from span to span (the method, the scheme, the
 * host, the route, the status code), and appending their bytes replaces encoding them. Bounded:
 * a key stops being cached once it has shown {@link VALUES_PER_KEY} distinct values (a path, a
 * peer port), only short keys and strings are cached, and at most {@link CACHED_KEYS} keys are.
 */
const keyValues = new Map<string, Map<string | number | boolean, Buffer> | null>();
const VALUES_PER_KEY = 32;
const CACHED_KEYS = 256;
const MAX_CACHED_STRING = 128;
const keyValueWriter = new ProtoWriter(512);

function cachedKeyValue(key: string, value: AttributeValue): Buffer | undefined {
  if (key.length > MAX_CACHED_STRING || typeof value === 'object') return undefined;
  if (typeof value === 'string' && value.length > MAX_CACHED_STRING) return undefined;
  let values = keyValues.get(key);
  if (values === null) return undefined;
  if (values === undefined) {
    if (keyValues.size >= CACHED_KEYS) return undefined;
    keyValues.set(key, (values = new Map()));
  }
  let encoded = values.get(value);
  if (encoded === undefined) {
    if (values.size >= VALUES_PER_KEY) {
      keyValues.set(key, null);
      return undefined;
    }
    keyValueWriter.reset();
    keyValueWriter.append(keyField(key));
    anyValue(keyValueWriter, 2, value);
    encoded = Buffer.from(keyValueWriter.bytes());
    values.set(value, encoded);
  }
  return encoded;
}

/** Repeated `KeyValue` entries in `field`. */
export function writeAttributes(
  writer: ProtoWriter,
  field: number,
  attributes: Attributes | undefined,
): void {
  if (attributes === undefined) return;
  // Object.keys, not for-in: attribute sets of different shapes pass through here, and V8's
  // for-in fast path deoptimises on each new shape (observed dozens of times a second).
  const keys = Object.keys(attributes);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = attributes[key];
    if (value === undefined) continue;
    const cached = cachedKeyValue(key, value);
    if (cached !== undefined) {
      writer.raw(field, cached);
      continue;
    }
    const mark = writer.begin(field);
    writer.append(keyField(key));
    anyValue(writer, 2, value);
    writer.end(mark);
  }
}

function timestamp(writer: ProtoWriter, field: number, spanClockMs: number): void {
  writer.tag(field, WireType.Fixed64);
  writer.fixed32Raw(unixNanoLow(spanClockMs));
  writer.fixed32Raw(unixNanoHigh(spanClockMs));
}

function event(
  writer: ProtoWriter,
  item: RecordedEvent,
  attributes: Attributes | undefined,
  drift: number,
): void {
  const mark = writer.begin(SPAN.events);
  timestamp(writer, 1, item.time + drift);
  writer.string(2, item.name);
  writeAttributes(writer, 3, attributes);
  writer.uint(4, item.droppedAttributes);
  writer.end(mark);
}

function link(writer: ProtoWriter, item: RecordedLink, attributes: Attributes | undefined): void {
  const mark = writer.begin(SPAN.links);
  writer.hex(1, item.context.traceId);
  writer.hex(2, item.context.spanId);
  writer.string(3, item.context.traceState?.serialize() ?? '');
  writeAttributes(writer, 4, attributes);
  writer.uint(5, item.droppedAttributes);
  writer.fixed32(
    6,
    item.context.traceFlags | FLAGS_HAS_IS_REMOTE | (item.context.isRemote ? FLAGS_IS_REMOTE : 0),
  );
  writer.end(mark);
}

/** Appends `span` as one `ScopeSpans.spans` (field 2) entry; `redact` masks attribute sets. */
export function writeSpan(
  writer: ProtoWriter,
  span: RecordedSpan,
  redact: (attributes: Attributes) => Attributes,
): void {
  const context = span.spanContext();
  const mark = writer.begin(2);
  writer.hex(SPAN.traceId, context.traceId);
  writer.hex(SPAN.spanId, context.spanId);
  writer.string(SPAN.traceState, context.traceState?.serialize() ?? '');
  writer.hex(SPAN.parentSpanId, span.parentSpanId);
  writer.string(SPAN.name, span.name, true);
  writer.uint(SPAN.kind, span.kind + 1);
  timestamp(writer, SPAN.start, span.startTime + span.clockDrift);
  timestamp(writer, SPAN.end, span.endTime + span.clockDrift);
  writeAttributes(writer, SPAN.attributes, redact(span.attributes));
  writer.uint(SPAN.droppedAttributes, span.droppedAttributes);
  if (span.events !== undefined) {
    for (const item of span.events) {
      event(
        writer,
        item,
        item.attributes === undefined ? undefined : redact(item.attributes),
        span.clockDrift,
      );
    }
  }
  writer.uint(SPAN.droppedEvents, span.droppedEvents);
  if (span.links !== undefined) {
    for (const item of span.links) {
      link(writer, item, item.attributes === undefined ? undefined : redact(item.attributes));
    }
  }
  writer.uint(SPAN.droppedLinks, span.droppedLinks);
  if (span.statusCode !== 0) {
    const status = writer.begin(SPAN.status);
    writer.string(2, span.statusMessage);
    writer.uint(3, span.statusCode);
    writer.end(status);
  }
  // Whether the parent is remote is always known (a root span has no remote parent), as the SDK says.
  writer.fixed32(
    SPAN.flags,
    context.traceFlags | FLAGS_HAS_IS_REMOTE | (span.parentIsRemote ? FLAGS_IS_REMOTE : 0),
  );
  writer.end(mark);
}

/** The `Resource` message's fields. */
function resourceBytes(attributes: Attributes): Buffer {
  const writer = new ProtoWriter(1024);
  writeAttributes(writer, 1, attributes);
  return Buffer.from(writer.bytes());
}

/** The `InstrumentationScope` message's fields. */
function scopeBytes(scope: Scope): Buffer {
  const writer = new ProtoWriter(256);
  writer.string(1, scope.name);
  writer.string(2, scope.version);
  return Buffer.from(writer.bytes());
}

/** Spans of one scope, encoded as they end. */
class ProtoGroup implements SpanGroup {
  readonly writer = new ProtoWriter();
  count = 0;
}

/** OTLP/HTTP with `application/x-protobuf` bodies. */
export function protobufEncoding(resource: Attributes): SpanEncoding<ProtoGroup> {
  const resourceHeader = resourceBytes(resource);
  const scopeHeaders = new Map<Scope, Buffer>();
  const spare: ProtoGroup[] = [];
  return {
    contentType: 'application/x-protobuf',
    group: () => {
      const group = spare.pop() ?? new ProtoGroup();
      group.writer.reset();
      group.count = 0;
      return group;
    },
    add: (group, span, redact) => {
      const before = group.writer.length;
      try {
        writeSpan(group.writer, span, redact);
      } catch (error) {
        group.writer.truncate(before);
        throw error;
      }
      group.count++;
    },
    request: (groups) => {
      const writer = new ProtoWriter(64 * 1024);
      const resourceSpans = writer.begin(1);
      writer.raw(1, resourceHeader);
      for (const [scope, group] of groups) {
        let header = scopeHeaders.get(scope);
        if (header === undefined) {
          header = scopeBytes(scope);
          scopeHeaders.set(scope, header);
        }
        const scopeSpans = writer.begin(2);
        writer.raw(1, header);
        writer.append(group.writer.bytes());
        writer.string(3, scope.schemaUrl);
        writer.end(scopeSpans);
      }
      writer.end(resourceSpans);
      return writer.bytes();
    },
    release: (group) => {
      // Keep a few writers (and their grown buffers) for the next batches.
      if (spare.length < 4) spare.push(group);
    },
  };
}
