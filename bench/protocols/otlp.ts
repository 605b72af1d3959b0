/**
 * OTLP/HTTP, as Faultline, EDOT and the OpenTelemetry SDK export it: every signal answered with
 * an empty export response in the request's encoding; trace bodies decoded with the strict
 * receiver's decoder.
 */
import {
  decodeTraceExport,
  emptyExportResponse,
  encodingOf,
} from '../../testing/receivers/otlp/decodeTraceExport.ts';
import type { NormalisedSpan } from '../../testing/receivers/otlp/normaliseSpans.ts';
import { parseMediaType } from '../../testing/receivers/shared/mediaType.ts';
import type { SpanKind, SpanRecord } from '../traceShape.ts';
import type { Protocol, Received, Signal } from './protocol.ts';

const SIGNALS: Readonly<Record<string, Signal>> = {
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
  '/v1/logs': 'logs',
};
const KINDS: Readonly<Record<number, SpanKind>> = { 2: 'server', 3: 'client' };

function encoding(request: Received): 'protobuf' | 'json' {
  return encodingOf(parseMediaType(request.contentType)?.essence) ?? 'protobuf';
}

function requestPath(span: NormalisedSpan): string {
  const a = span.attributes;
  return String(a['url.path'] ?? a['http.target'] ?? a['http.route'] ?? span.name);
}

/** OTLP/HTTP, protobuf or JSON. */
export const otlp: Protocol = {
  id: 'otlp',
  route(request) {
    const signal = SIGNALS[request.path];
    if (request.method !== 'POST' || signal === undefined) return undefined;
    const enc = encoding(request);
    return {
      signal,
      keep: signal === 'traces',
      status: 200,
      headers: { 'content-type': enc === 'json' ? 'application/json' : 'application/x-protobuf' },
      body: emptyExportResponse(enc),
    };
  },
  decode(body, request) {
    return decodeTraceExport(body, encoding(request)).map((span): SpanRecord => ({
      traceId: span.traceId,
      name: span.name,
      kind: KINDS[span.kind] ?? 'internal',
      rootPath: span.parentSpanId === '' ? requestPath(span) : undefined,
    }));
  },
};
