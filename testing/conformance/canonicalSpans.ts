/**
 * Turns the spans one run exported into comparable records: each span gets a key that names the
 * same operation in both runs (kind, method and target for HTTP spans, the name otherwise), and
 * values that differ between any two runs by construction (ids, times, ports, pids) are replaced
 * by placeholders, so what remains differs only when the two implementations do.
 */
import type { AttributeValue } from '../receivers/otlp/attributes.ts';
import type { NormalisedSpan } from '../receivers/otlp/normaliseSpans.ts';

/** One span as compared. */
export interface CanonicalSpan {
  readonly key: string;
  readonly scope: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

const KIND = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
/** The scope of the SDK's express layer spans (middleware, router, request handler). */
export const EXPRESS_LAYER_SCOPE = '@opentelemetry/instrumentation-express';

function keyOf(span: NormalisedSpan): string {
  const kind = KIND[span.kind] ?? String(span.kind);
  const a = span.attributes;
  const method = a['http.request.method_original'] ?? a['http.request.method'];
  if (kind === 'SERVER')
    return `SERVER ${String(method)} ${String(a['url.path'])}${a['url.query'] ? `?${String(a['url.query'])}` : ''}`;
  if (kind === 'CLIENT' && a['url.full'] !== undefined) {
    return `CLIENT ${String(method)} ${String(a['url.full']).replace(/:\/\/[^/]+/, '://HOST')}`;
  }
  return `${kind} ${span.name}`;
}

/** Replaces what differs between any two runs: the app's port, and run-specific values. */
function stable(value: AttributeValue, port: number): unknown {
  if (typeof value === 'string') return value.split(String(port)).join('PORT');
  if (value === port) return 'PORT';
  if (Array.isArray(value)) return value.map((item) => stable(item, port));
  return value;
}

const VOLATILE = new Set(['network.peer.port', 'process.pid', 'service.instance.id', 'process.command_args']);

function attributes(record: Record<string, AttributeValue>, port: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = VOLATILE.has(key) ? 'VOLATILE' : stable(value, port);
  }
  return out;
}

function eventAttributes(record: Record<string, AttributeValue>, port: number): Record<string, unknown> {
  const out = attributes(record, port);
  // Stack frames below the first differ with whatever wraps the handler; the first line is the error.
  const stack = out['exception.stacktrace'];
  if (typeof stack === 'string') out['exception.stacktrace'] = stack.split('\n')[0];
  return out;
}

/** The canonical spans of one run of the scenario app listening on `port`. */
export function canonicalSpans(spans: readonly NormalisedSpan[], port: number): CanonicalSpan[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const parentKey = (span: NormalisedSpan): string => {
    let parent = byId.get(span.parentSpanId);
    // The SDK's express layer spans sit between the server span and the handler's own spans.
    while (parent !== undefined && parent.scope.name === EXPRESS_LAYER_SCOPE)
      parent = byId.get(parent.parentSpanId);
    if (parent !== undefined) return keyOf(parent);
    return span.parentSpanId === '' ? 'none' : `remote ${span.parentSpanId}`;
  };
  return spans.map((span) => ({
    key: keyOf(span),
    scope: span.scope.name,
    fields: {
      name: stable(span.name, port),
      parent: parentKey(span),
      traceState: span.traceState,
      flags: span.flags,
      status: span.status,
      attributes: attributes(span.attributes, port),
      events: span.events.map((event) => ({
        name: event.name,
        attributes: eventAttributes(event.attributes, port),
      })),
      links: span.links.map((link) => ({ ...link, attributes: attributes(link.attributes, port) })),
      scope: span.scope,
      durationNonNegative: span.endTimeUnixNano >= span.startTimeUnixNano,
    },
  }));
}

/** The resource of a run, with run-specific values replaced. */
export function canonicalResource(spans: readonly NormalisedSpan[], port: number): Record<string, unknown> {
  return attributes(spans[0]?.resource ?? {}, port);
}
