/** Flattens a validated trace export into one record per span, in the form tests assert on. */
import { attributesToRecord, type AttributeValue } from './attributes.ts';
import type { DecodedScopeSpans, DecodedSpan, DecodedTraceRequest } from './decodedTypes.ts';

/** A span event with converted attributes. */
export interface NormalisedEvent {
  readonly name: string;
  readonly timeUnixNano: bigint;
  readonly attributes: Record<string, AttributeValue>;
}

/** A span link with hex ids. */
export interface NormalisedLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: Record<string, AttributeValue>;
}

/**
 * One received span. Ids are lower-case hex (`parentSpanId` is '' for a root span), `kind` and
 * `status.code` are the proto enum integers (see SPAN_KIND and STATUS_CODE), times are bigint
 * nanoseconds, and resource and scope are attached to every span so a test needs no joins.
 */
export interface NormalisedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly traceState: string;
  readonly name: string;
  readonly kind: number;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes: Record<string, AttributeValue>;
  readonly events: readonly NormalisedEvent[];
  readonly links: readonly NormalisedLink[];
  readonly status: { readonly code: number; readonly message: string };
  /** `Span.flags` (W3C trace flags, HAS_IS_REMOTE 0x100, IS_REMOTE 0x200); 0 when absent. */
  readonly flags: number;
  readonly resource: Record<string, AttributeValue>;
  readonly scope: { readonly name: string; readonly version: string };
}

/** Converts every span of a request (which must already have passed validateTraceRequest). */
export function normaliseSpans(request: DecodedTraceRequest): NormalisedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributesToRecord(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => normaliseSpan(span, scopeSpans, resource)),
    );
  });
}

function normaliseSpan(
  span: DecodedSpan,
  scopeSpans: DecodedScopeSpans,
  resource: Record<string, AttributeValue>,
): NormalisedSpan {
  return {
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    parentSpanId: hex(span.parentSpanId),
    traceState: span.traceState ?? '',
    name: span.name ?? '',
    kind: span.kind ?? 0,
    startTimeUnixNano: BigInt(span.startTimeUnixNano ?? '0'),
    endTimeUnixNano: BigInt(span.endTimeUnixNano ?? '0'),
    attributes: attributesToRecord(span.attributes),
    events: (span.events ?? []).map((event) => ({
      name: event.name ?? '',
      timeUnixNano: BigInt(event.timeUnixNano ?? '0'),
      attributes: attributesToRecord(event.attributes),
    })),
    links: (span.links ?? []).map((link) => ({
      traceId: hex(link.traceId),
      spanId: hex(link.spanId),
      attributes: attributesToRecord(link.attributes),
    })),
    status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
    flags: span.flags ?? 0,
    resource,
    scope: { name: scopeSpans.scope?.name ?? '', version: scopeSpans.scope?.version ?? '' },
  };
}

function hex(bytes: Uint8Array | undefined): string {
  return Buffer.from(bytes ?? []).toString('hex');
}
