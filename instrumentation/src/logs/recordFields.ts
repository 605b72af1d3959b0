/**
 * What pino and bunyan correlation share: the active span's ids under the names a log line
 * uses (ECS names in ECS output, the library's customary `trace_id`/`span_id` otherwise, as
 * OpenTelemetry's own pino and bunyan instrumentations write them), and masking of a record's
 * fields that never modifies the app's own objects.
 */
import { trace, type SpanContext } from '@opentelemetry/api';
import { logFields } from '../catalogue/index.ts';
import { RecordedSpan } from '../tracing/RecordedSpan.ts';
import type { Redactor } from '../redaction/createRedactor.ts';

/** Field names of the active span's ids outside ECS output. */
export const OTEL_LOG_FIELDS = { traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' } as const;

/** Whether a record is ECS output: it declares `ecs.version`, dotted or nested. */
export function isEcsRecord(record: Record<string, unknown>): boolean {
  if (record['ecs.version'] !== undefined) return true;
  const ecs = record.ecs;
  return ecs !== null && typeof ecs === 'object' && (ecs as { version?: unknown }).version !== undefined;
}

/**
 * The active span's context when it is valid. Faultline's own recording spans are valid by
 * construction, so only other spans pay for the API's id checks (two regular expressions).
 */
export function activeSpanContext(): SpanContext | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const context = span.spanContext();
  return span instanceof RecordedSpan || trace.isSpanContextValid(context) ? context : undefined;
}

/**
 * Adds the active span's ids to `record` (mutated) when there is a valid span, under ECS names
 * when `ecs` (by default: when the record declares `ecs.version`); fields the app set itself are
 * kept. Outside a span it costs one `getActiveSpan()`.
 */
export function addSpanIds(record: Record<string, unknown>, ecs: boolean = isEcsRecord(record)): void {
  const context = activeSpanContext();
  if (context === undefined) return;
  if (ecs) {
    record[logFields.traceId] ??= context.traceId;
    record[logFields.spanId] ??= context.spanId;
    return;
  }
  record[OTEL_LOG_FIELDS.traceId] ??= context.traceId;
  record[OTEL_LOG_FIELDS.spanId] ??= context.spanId;
  record[OTEL_LOG_FIELDS.traceFlags] ??= `0${context.traceFlags.toString(16)}`;
}

/**
 * Whether `masked` serialises exactly like `value`, i.e. masking changed nothing. A value that
 * cannot be serialised (a cycle, such as the request object fastify's default request logging
 * puts in a pino record) never counts as unchanged, so its masked copy (cycles marked, depth
 * bounded by the redactor) is what gets logged, never the app's object unmasked.
 */
export function maskingChangedNothing(masked: unknown, value: unknown): boolean {
  try {
    return JSON.stringify(masked) === JSON.stringify(value);
  } catch {
    return false;
  }
}

/** `value` masked, or `value` itself when there is nothing to mask. */
function maskField(key: string, value: unknown, redactor: Redactor): unknown {
  if (value === null || value === undefined || typeof value === 'boolean') return value;
  // Errors keep their identity: serializers (pino's `err`) depend on it.
  if (value instanceof Error) return value;
  if (typeof value === 'string' || typeof value === 'number') return redactor.redactAttribute(key, value);
  const masked = redactor.redact({ [key]: value })[key];
  return maskingChangedNothing(masked, value) ? value : masked;
}

/**
 * `record` with every sensitive field masked: `record` itself when nothing is, otherwise a
 * shallow copy (the app's object is never modified). `skip` names fields left as they are.
 */
export function maskedRecord(
  record: Record<string, unknown>,
  redactor: Redactor,
  skip: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    if (skip.has(key)) continue;
    const value = record[key];
    const masked = maskField(key, value, redactor);
    if (masked === value) continue;
    copy ??= { ...record };
    copy[key] = masked;
  }
  return copy ?? record;
}
