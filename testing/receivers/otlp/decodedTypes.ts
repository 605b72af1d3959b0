/**
 * The shape both decoders (protobuf and JSON) produce, so validation and normalisation are
 * written once. It follows protobufjs `toObject` conventions: lowerCamelCase names, bytes as
 * Uint8Array, 64-bit integers as decimal strings, enums as numbers, absent fields undefined.
 */

/** `opentelemetry.proto.common.v1.AnyValue`: at most one member is set. */
export interface DecodedAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: DecodedAnyValue[] };
  kvlistValue?: { values?: DecodedKeyValue[] };
  bytesValue?: Uint8Array;
}

/** `opentelemetry.proto.common.v1.KeyValue`. */
export interface DecodedKeyValue {
  key?: string;
  value?: DecodedAnyValue;
}

/** `Span.Event`. */
export interface DecodedEvent {
  timeUnixNano?: string;
  name?: string;
  attributes?: DecodedKeyValue[];
  droppedAttributesCount?: number;
}

/** `Span.Link`. */
export interface DecodedLink {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  traceState?: string;
  attributes?: DecodedKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

/** `opentelemetry.proto.trace.v1.Span`. */
export interface DecodedSpan {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  traceState?: string;
  parentSpanId?: Uint8Array;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: DecodedKeyValue[];
  events?: DecodedEvent[];
  links?: DecodedLink[];
  status?: { message?: string; code?: number };
  droppedAttributesCount?: number;
  droppedEventsCount?: number;
  droppedLinksCount?: number;
  flags?: number;
}

/** `ScopeSpans`. */
export interface DecodedScopeSpans {
  scope?: {
    name?: string;
    version?: string;
    attributes?: DecodedKeyValue[];
    droppedAttributesCount?: number;
  };
  spans?: DecodedSpan[];
  schemaUrl?: string;
}

/** `ResourceSpans`, including the deprecated field the receiver refuses. */
export interface DecodedResourceSpans {
  resource?: { attributes?: DecodedKeyValue[] };
  scopeSpans?: DecodedScopeSpans[];
  instrumentationLibrarySpans?: unknown[];
  schemaUrl?: string;
}

/** `ExportTraceServiceRequest`. */
export interface DecodedTraceRequest {
  resourceSpans?: DecodedResourceSpans[];
}
