/**
 * The span rules every decoded trace export must satisfy, whatever its encoding. They encode
 * what the OTLP and trace specifications require of a valid span, so a Faultline exporter bug
 * (zero ids, swapped timestamps, a missing service name) fails the test that produced it.
 */
import { validateAttributes } from './attributes.ts';
import type { DecodedResourceSpans, DecodedSpan, DecodedTraceRequest } from './decodedTypes.ts';
import { InvalidOtlpPayloadError } from './InvalidOtlpPayloadError.ts';

/** SpanKind values of the proto (UNSPECIFIED, INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER). */
export const SPAN_KIND = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** Status.StatusCode values of the proto. */
export const STATUS_CODE = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/**
 * Validates a whole request: each ResourceSpans has a resource with a non-empty string
 * `service.name`, uses `scopeSpans` (not the removed `instrumentationLibrarySpans`), and every
 * span passes the span rules. Throws InvalidOtlpPayloadError at the first violation.
 */
export function validateTraceRequest(request: DecodedTraceRequest): void {
  (request.resourceSpans ?? []).forEach((resourceSpans, r) => {
    const path = `resourceSpans[${r}]`;
    validateResource(resourceSpans, path);
    (resourceSpans.scopeSpans ?? []).forEach((scopeSpans, s) => {
      validateAttributes(scopeSpans.scope?.attributes, `${path}.scopeSpans[${s}].scope.attributes`);
      (scopeSpans.spans ?? []).forEach((span, i) =>
        validateSpan(span, `${path}.scopeSpans[${s}].spans[${i}]`),
      );
    });
  });
}

function validateResource(resourceSpans: DecodedResourceSpans, path: string): void {
  if ((resourceSpans.instrumentationLibrarySpans ?? []).length > 0) {
    throw new InvalidOtlpPayloadError(
      `${path}.instrumentationLibrarySpans`,
      'deprecated since opentelemetry-proto v0.15 and removed in v0.19; send scopeSpans',
    );
  }
  const attributes = resourceSpans.resource?.attributes;
  validateAttributes(attributes, `${path}.resource.attributes`);
  const serviceName = attributes?.find((a) => a.key === 'service.name')?.value?.stringValue;
  if (serviceName === undefined || serviceName === '') {
    throw new InvalidOtlpPayloadError(
      `${path}.resource`,
      'resource must carry a non-empty string "service.name"',
    );
  }
}

/** Checks one span (ids, name, kind, timestamps, status, attributes, events, links). */
export function validateSpan(span: DecodedSpan, path: string): void {
  checkId(span.traceId, 16, `${path}.traceId`);
  checkId(span.spanId, 8, `${path}.spanId`);
  if (span.parentSpanId !== undefined && span.parentSpanId.length > 0)
    checkId(span.parentSpanId, 8, `${path}.parentSpanId`);
  if (span.name === undefined || span.name === '')
    throw new InvalidOtlpPayloadError(`${path}.name`, 'span name must be non-empty');
  const kinds: readonly number[] = Object.values(SPAN_KIND);
  if (!kinds.includes(span.kind ?? 0))
    throw new InvalidOtlpPayloadError(`${path}.kind`, `invalid SpanKind ${span.kind}`);
  checkTimes(span, path);
  checkFlags(span.flags, `${path}.flags`);
  const codes: readonly number[] = Object.values(STATUS_CODE);
  if (!codes.includes(span.status?.code ?? 0)) {
    throw new InvalidOtlpPayloadError(`${path}.status.code`, `invalid StatusCode ${span.status?.code}`);
  }
  validateAttributes(span.attributes, `${path}.attributes`);
  (span.events ?? []).forEach((event, e) => {
    if (BigInt(event.timeUnixNano ?? '0') <= 0n) {
      throw new InvalidOtlpPayloadError(`${path}.events[${e}].timeUnixNano`, 'event time must be > 0');
    }
    validateAttributes(event.attributes, `${path}.events[${e}].attributes`);
  });
  (span.links ?? []).forEach((link, l) => {
    checkId(link.traceId, 16, `${path}.links[${l}].traceId`);
    checkId(link.spanId, 8, `${path}.links[${l}].spanId`);
    validateAttributes(link.attributes, `${path}.links[${l}].attributes`);
    checkFlags(link.flags, `${path}.links[${l}].flags`);
  });
}

/** Span and link flags: W3C trace flags in bits 0-7, then HAS_IS_REMOTE and IS_REMOTE; the rest reserved. */
export const SPAN_FLAGS = { traceFlags: 0xff, hasIsRemote: 0x100, isRemote: 0x200 } as const;

function checkFlags(flags: number | undefined, path: string): void {
  if (flags === undefined) return;
  if (flags & ~0x3ff)
    throw new InvalidOtlpPayloadError(
      path,
      `reserved bits set in ${flags.toString(16)} (only 0-9 are defined)`,
    );
  if (flags & SPAN_FLAGS.isRemote && !(flags & SPAN_FLAGS.hasIsRemote)) {
    throw new InvalidOtlpPayloadError(path, 'IS_REMOTE set without HAS_IS_REMOTE');
  }
}

function checkId(id: Uint8Array | undefined, length: number, path: string): void {
  const actual = id?.length ?? 0;
  if (actual !== length) throw new InvalidOtlpPayloadError(path, `must be ${length} bytes, got ${actual}`);
  if (id?.every((byte) => byte === 0)) throw new InvalidOtlpPayloadError(path, 'must not be all zeroes');
}

function checkTimes(span: DecodedSpan, path: string): void {
  const start = BigInt(span.startTimeUnixNano ?? '0');
  const end = BigInt(span.endTimeUnixNano ?? '0');
  if (start <= 0n) throw new InvalidOtlpPayloadError(`${path}.startTimeUnixNano`, 'must be > 0');
  if (end <= 0n) throw new InvalidOtlpPayloadError(`${path}.endTimeUnixNano`, 'must be > 0');
  if (start > end) {
    throw new InvalidOtlpPayloadError(`${path}.endTimeUnixNano`, `end (${end}) is before start (${start})`);
  }
}
