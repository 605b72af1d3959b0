/**
 * Reading traces back from Jaeger's query API (`/api/traces/{id}`), the JSON its UI uses, as the
 * tests and the demo console do.
 */

/** A tag (attribute) as the query API returns it. */
export interface JaegerTag {
  key: string;
  type: string;
  value: unknown;
}

/** One span of a trace. */
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: Array<{ refType: 'CHILD_OF' | 'FOLLOWS_FROM'; traceID: string; spanID: string }>;
  startTime: number;
  duration: number;
  tags: JaegerTag[];
  processID: string;
}

/** A whole trace with the services (processes) its spans came from. */
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerTag[] }>;
}

/** Resolves with trace `traceId` (32 hex digits), or undefined while Jaeger does not have it. */
export async function getTrace(queryUrl: string, traceId: string): Promise<JaegerTrace | undefined> {
  const response = await fetch(`${queryUrl}/api/traces/${traceId}`, { signal: AbortSignal.timeout(5000) });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok)
    throw new Error(`Jaeger answered ${response.status} for trace ${traceId}: ${await response.text()}`);
  const body = (await response.json()) as { data?: JaegerTrace[] };
  return body.data?.[0];
}

/** The value of tag `key` on `span`, or undefined. */
export function tagValue(span: JaegerSpan, key: string): unknown {
  return span.tags.find((tag) => tag.key === key)?.value;
}

/** The service a span came from. */
export function serviceOf(trace: JaegerTrace, span: JaegerSpan): string | undefined {
  return trace.processes[span.processID]?.serviceName;
}
