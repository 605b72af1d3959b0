/**
 * The view models of one trace as Jaeger's query API returns it (a waterfall of spans: service,
 * operation, when, how long, errors, the broker hop) and of its log lines as Elasticsearch
 * stores them. Pure: the server renders them as tables, the page's script draws the waterfall
 * from the same rows.
 */
import type { JaegerSpan, JaegerTrace } from '../../backends/jaegerQuery.ts';
import type { StoredLog } from '../../elasticsearch/findLogs.ts';
import { time } from './format.ts';

/** One span of the waterfall, in tree order (a parent before its children, siblings by start). */
export interface SpanRow {
  readonly spanId: string;
  readonly service: string;
  readonly operation: string;
  /** `server`, `client`, `producer`, `consumer`, `internal`. */
  readonly kind: string;
  /** Nesting depth under the root (0), capped at {@link MAX_DEPTH} for indentation. */
  readonly depth: number;
  /** Start, in ms after the trace's first span started. */
  readonly offsetMs: number;
  readonly durationMs: number;
  readonly error: boolean;
  /** Crossing the message broker: a producer or consumer span of a messaging system. */
  readonly broker: boolean;
  readonly label: string;
}

/** A trace's waterfall. */
export interface TraceView {
  readonly traceId: string;
  readonly services: readonly string[];
  readonly totalMs: number;
  readonly errors: number;
  readonly spans: readonly SpanRow[];
}

/** One log line of a trace. */
export interface LogRow {
  readonly at: string;
  readonly level: string;
  readonly service: string;
  readonly message: string;
  readonly traceId: string;
  readonly spanId: string;
}

/** Deepest indentation the table shows. */
export const MAX_DEPTH = 8;

function tag(span: JaegerSpan, key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}

function isError(span: JaegerSpan): boolean {
  return tag(span, 'error') === true || tag(span, 'otel.status_code') === 'ERROR';
}

function ms(micros: number): number {
  return Math.round(micros / 10) / 100;
}

function parentOf(span: JaegerSpan, ids: ReadonlySet<string>): string | undefined {
  return span.references.find((r) => ids.has(r.spanID))?.spanID;
}

function treeOrder(spans: readonly JaegerSpan[]): { span: JaegerSpan; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanID));
  const children = new Map<string | undefined, JaegerSpan[]>();
  for (const span of [...spans].sort((a, b) => a.startTime - b.startTime)) {
    const parent = parentOf(span, ids);
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ordered: { span: JaegerSpan; depth: number }[] = [];
  const visit = (span: JaegerSpan, depth: number) => {
    ordered.push({ span, depth });
    for (const child of children.get(span.spanID) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(undefined) ?? []) visit(root, 0);
  return ordered;
}

/** The waterfall of `trace`. */
export function traceView(trace: JaegerTrace): TraceView {
  const start = Math.min(...trace.spans.map((s) => s.startTime));
  const end = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
  const spans = treeOrder(trace.spans).map(({ span, depth }): SpanRow => {
    const service = trace.processes[span.processID]?.serviceName ?? '';
    const kind = String(tag(span, 'span.kind') ?? 'internal');
    return {
      spanId: span.spanID,
      service,
      operation: span.operationName,
      kind,
      depth: Math.min(depth, MAX_DEPTH),
      offsetMs: ms(span.startTime - start),
      durationMs: ms(span.duration),
      error: isError(span),
      broker: tag(span, 'messaging.system') !== undefined && (kind === 'producer' || kind === 'consumer'),
      label: `${service}: ${span.operationName}`,
    };
  });
  return {
    traceId: trace.traceID,
    services: [...new Set(spans.map((s) => s.service))].sort(),
    totalMs: trace.spans.length > 0 ? ms(end - start) : 0,
    errors: spans.filter((s) => s.error).length,
    spans,
  };
}

/** `source[a.b]` as ECS stores it: a dotted key or nested objects. */
export function field(source: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in source) return source[name];
  const [head, ...rest] = name.split('.');
  const inner = source[head ?? ''];
  if (rest.length === 0 || typeof inner !== 'object' || inner === null) return undefined;
  return field(inner as Record<string, unknown>, rest.join('.'));
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** The log lines of a trace, oldest first as stored. */
export function logRows(logs: readonly StoredLog[]): LogRow[] {
  return logs.map(({ source }) => ({
    at: time(text(field(source, '@timestamp'))),
    level: text(field(source, 'log.level')),
    service: text(field(source, 'service.name')),
    message: text(field(source, 'message')),
    traceId: text(field(source, 'trace.id')),
    spanId: text(field(source, 'span.id')),
  }));
}
