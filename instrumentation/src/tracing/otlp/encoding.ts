/**
 * How spans become OTLP request bodies. An encoding turns each span into bytes (or text) when it
 * ends, grouped by instrumentation scope, and assembles a request from groups; the export queue
 * holds only those encoded groups, never the spans.
 */
import type { Attributes } from '@opentelemetry/api';
import type { RecordedSpan, Scope } from '../RecordedSpan.ts';

/** Encoded spans of one scope within one batch. */
export interface SpanGroup {
  /** Spans in the group. */
  count: number;
}

/** One OTLP/HTTP encoding (protobuf or JSON). */
export interface SpanEncoding<G extends SpanGroup = SpanGroup> {
  readonly contentType: string;
  /** An empty group. */
  group(): G;
  /** Encodes `span` into `group`; `redact` masks an attribute set (returning it when unchanged). */
  add(group: G, span: RecordedSpan, redact: (attributes: Attributes) => Attributes): void;
  /** The request body for these groups (valid until the next call). */
  request(groups: Iterable<readonly [Scope, G]>): Uint8Array;
  /** The groups of a sent request can be reused. */
  release(group: G): void;
}
