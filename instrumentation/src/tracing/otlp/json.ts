/**
 * OTLP/HTTP JSON encoding of spans (the protobuf JSON mapping the OTLP specification fixes:
 * lowerCamelCase names, ids as hex, enums as numbers, 64-bit integers as strings). Each span is
 * serialised once, when it ends; a request joins them behind the resource and scope.
 */
import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import type { RecordedEvent, RecordedSpan } from '../RecordedSpan.ts';
import { unixNanoString } from '../time.ts';
import type { SpanEncoding, SpanGroup } from './encoding.ts';

type JsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: JsonAnyValue[] } }
  | Record<string, never>;

function anyValue(value: AttributeValue | null | undefined): JsonAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
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
    if (value !== undefined) out.push({ key, value: anyValue(value) });
  }
  return out;
}

function event(item: RecordedEvent, attributes: Attributes | undefined): object {
  return { timeUnixNano: unixNanoString(item.time), name: item.name, attributes: jsonAttributes(attributes) };
}

function link(item: Link, attributes: Attributes | undefined): object {
  return {
    traceId: item.context.traceId,
    spanId: item.context.spanId,
    traceState: item.context.traceState?.serialize() ?? '',
    attributes: jsonAttributes(attributes),
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
    flags: context.traceFlags | (span.parentSpanId === '' ? 0 : 0x100 | (span.parentIsRemote ? 0x200 : 0)),
    name: span.name,
    kind: span.kind + 1,
    startTimeUnixNano: unixNanoString(span.startTime),
    endTimeUnixNano: unixNanoString(span.endTime),
    attributes: jsonAttributes(redact(span.attributes)),
    droppedAttributesCount: span.droppedAttributes,
    events: (span.events ?? []).map((item) => event(item, masked(item.attributes))),
    droppedEventsCount: span.droppedEvents,
    links: (span.links ?? []).map((item) => link(item, masked(item.attributes))),
    droppedLinksCount: span.droppedLinks,
    status: { code: span.statusCode, message: span.statusMessage },
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
        const header = JSON.stringify({ name: scope.name, version: scope.version });
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
