/**
 * Sentry's envelope endpoint as @sentry/node uses it: POST /api/<project>/envelope/ with a header
 * line, then item header and payload lines. Spans come either as a `transaction` item (the root
 * span in `contexts.trace` plus its child `spans`) or, in span streaming, as `span` items
 * (`{"version":2,"items":[...]}`, the segment span being the request's).
 */
import type { SpanKind, SpanRecord } from '../traceShape.ts';
import { json, pathOf, type Protocol } from './protocol.ts';

const ENVELOPE = /^\/api\/[^/]+\/envelope\/?$/;

interface SentrySpan {
  readonly trace_id: string;
  readonly parent_span_id?: string;
  readonly op?: string;
  readonly name?: string;
  readonly description?: string;
  readonly is_segment?: boolean;
  readonly attributes?: Readonly<Record<string, { readonly value: unknown }>>;
}

interface SentryTransaction {
  readonly transaction?: string;
  readonly request?: { readonly url?: string };
  readonly contexts?: { readonly trace?: { readonly trace_id: string; readonly parent_span_id?: string } };
  readonly spans?: readonly SentrySpan[];
}

function kindOf(op: unknown): SpanKind {
  const text = String(op ?? '');
  if (text === 'server' || text.startsWith('http.server')) return 'server';
  if (text === 'client' || text.startsWith('http.client') || text.startsWith('db')) return 'client';
  return 'internal';
}

function fromTransaction(event: SentryTransaction): SpanRecord[] {
  const trace = event.contexts?.trace;
  if (trace === undefined) return [];
  const name = event.transaction ?? '';
  const root: SpanRecord = {
    traceId: trace.trace_id,
    name,
    kind: 'server',
    rootPath: trace.parent_span_id ? undefined : (pathOf(event.request?.url) ?? name),
  };
  const children = (event.spans ?? []).map((span): SpanRecord => ({
    traceId: span.trace_id,
    name: span.description ?? span.op ?? '',
    kind: kindOf(span.op),
    rootPath: undefined,
  }));
  return [root, ...children];
}

function fromStreamedSpan(span: SentrySpan): SpanRecord {
  const attribute = (key: string): unknown => span.attributes?.[key]?.value;
  const root = span.is_segment === true && !span.parent_span_id;
  return {
    traceId: span.trace_id,
    name: span.name ?? '',
    kind: kindOf(attribute('sentry.kind') ?? attribute('sentry.op')),
    rootPath: root ? String(attribute('url.path') ?? pathOf(attribute('url.full')) ?? span.name) : undefined,
  };
}

/** Decodes an envelope into span records (items other than transactions and spans skipped). */
export function decodeSentryEnvelope(body: Buffer): SpanRecord[] {
  const lines = body.toString('utf8').split('\n');
  const records: SpanRecord[] = [];
  // Line 0 is the envelope header; then each item is a header line and a payload line (the
  // `length` header form is not used by the Node SDK for JSON items).
  for (let i = 1; i + 1 < lines.length; i += 2) {
    const header = JSON.parse(lines[i]!) as { type?: string };
    const payload = lines[i + 1]!;
    if (header.type === 'transaction')
      records.push(...fromTransaction(JSON.parse(payload) as SentryTransaction));
    else if (header.type === 'span') {
      const { items } = JSON.parse(payload) as { items: SentrySpan[] };
      records.push(...items.map(fromStreamedSpan));
    }
  }
  return records;
}

/** The Sentry envelope protocol. */
export const sentry: Protocol = {
  id: 'sentry',
  route(request) {
    if (request.method !== 'POST' || !ENVELOPE.test(request.path)) return undefined;
    return json(200, {}, 'traces', true);
  },
  decode: (body) => decodeSentryEnvelope(body),
};
