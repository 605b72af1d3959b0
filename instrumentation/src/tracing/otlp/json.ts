/**
 * OTLP/HTTP JSON encoding of spans (the protobuf JSON mapping the OTLP specification fixes:
 * lowerCamelCase names, ids as hex, enums as numbers, 64-bit integers as strings). Each span is
 * serialised once, when it ends; a request joins them behind the resource and scope. Strings are
 * made well-formed first: a lone surrogate becomes U+FFFD, as it does in the protobuf encoding's
 * UTF-8, instead of a `\ud800` escape that strict OTLP/JSON decoders reject.
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { RecordedEvent, RecordedLink, RecordedSpan } from '../RecordedSpan.ts';
import { unixNanoString } from '../time.ts';
import type { SpanEncoding, SpanGroup } from './encoding.ts';

type JsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: JsonAnyValue[] } }
  | Record<string, never>;

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` without lone surrogates (each replaced by U+FFFD); itself when there are none. */
export function wellFormed(text: string): string {
  return SURROGATE.test(text) ? text.replace(LONE_SURROGATE, '\ufffd') : text;
}

function anyValue(value: AttributeValue | null | undefined): JsonAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: wellFormed(value) };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
    default:
      return Array.isArray(value)
        ? { arrayValue: { values: (value as (AttributeValue | null)[]).map(anyValue) } }
        : {};
  }
}

/** `KeyValue` entries of an attribute set. */
export function jsonAttributes(attributes: Attributes | undefined): { key: string; value: JsonAnyValue }[] {
  const out: { key: string; value: JsonAnyValue }[] = [];
  if (attributes === undefined) return out;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) out.push({ key: wellFormed(key), value: anyValue(value) });
  }
  return out;
}

function event(item: RecordedEvent, attributes: Attributes | undefined, drift: number): object {
  return {
    timeUnixNano: unixNanoString(item.time + drift),
    name: wellFormed(item.name),
    attributes: jsonAttributes(attributes),
    droppedAttributesCount: item.droppedAttributes,
  };
}

function link(item: RecordedLink, attributes: Attributes | undefined): object {
  return {
    traceId: item.context.traceId,
    spanId: item.context.spanId,
    traceState: item.context.traceState?.serialize() ?? '',
    attributes: jsonAttributes(attributes),
    droppedAttributesCount: item.droppedAttributes,
    flags: item.context.traceFlags | 0x100 | (item.context.isRemote ? 0x200 : 0),
  };
}

/** The OTLP/JSON object of one span. */
export function jsonSpan(span: RecordedSpan, redact: (attributes: Attributes) => Attributes): object {
  const context = span.spanContext();
  const masked = (attributes: Attributes | undefined): Attributes | undefined =>
    attributes === undefined ? undefined : redact(attributes);
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    traceState: context.traceState?.serialize() ?? '',
    parentSpanId: span.parentSpanId,
    flags: context.traceFlags | 0x100 | (span.parentIsRemote ? 0x200 : 0),
    name: wellFormed(span.name),
    kind: span.kind + 1,
    startTimeUnixNano: unixNanoString(span.startTime + span.clockDrift),
    endTimeUnixNano: unixNanoString(span.endTime + span.clockDrift),
    attributes: jsonAttributes(redact(span.attributes)),
    droppedAttributesCount: span.droppedAttributes,
    events: (span.events ?? []).map((item) => event(item, masked(item.attributes), span.clockDrift)),
    droppedEventsCount: span.droppedEvents,
    links: (span.links ?? []).map((item) => link(item, masked(item.attributes))),
    droppedLinksCount: span.droppedLinks,
    status: { code: span.statusCode, message: wellFormed(span.statusMessage) },
  };
}

class JsonGroup implements SpanGroup {
  readonly spans: string[] = [];
  count = 0;
}

/** OTLP/HTTP with `application/json` bodies. */
export function jsonEncoding(resource: Attributes): SpanEncoding<JsonGroup> {
  const resourceJson = JSON.stringify({ attributes: jsonAttributes(resource) });
  return {
    contentType: 'application/json',
    group: () => new JsonGroup(),
    add: (group, span, redact) => {
      group.spans.push(JSON.stringify(jsonSpan(span, redact)));
      group.count++;
    },
    request: (groups) => {
      const scopeSpans: string[] = [];
      for (const [scope, group] of groups) {
        const header = JSON.stringify({ name: wellFormed(scope.name), version: wellFormed(scope.version) });
        scopeSpans.push(
          `{"scope":${header},"spans":[${group.spans.join(',')}],"schemaUrl":${JSON.stringify(scope.schemaUrl)}}`,
        );
      }
      return Buffer.from(
        `{"resourceSpans":[{"resource":${resourceJson},"scopeSpans":[${scopeSpans.join(',')}]}]}`,
      );
    },
    release: () => undefined,
  };
}
