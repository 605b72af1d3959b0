/**
 * The Datadog agent's trace intake as dd-trace uses it: msgpack arrays of traces PUT (or POSTed)
 * to /v0.4/traces, or the string-table form of /v0.5/traces, answered with the agent's
 * `{"rate_by_service":{}}`. The agent's other endpoints dd-trace may call (info, the dogstatsd
 * proxy, telemetry) get a 200 so nothing retries.
 */
import { decode } from '@msgpack/msgpack';
import type { SpanKind, SpanRecord } from '../traceShape.ts';
import { json, pathOf, type Protocol } from './protocol.ts';

const TRACES = /^\/v0\.[45]\/traces$/;
const OTHER = /^\/(info|dogstatsd\/|telemetry\/|v0\.[67]\/|profiling\/|evp_proxy\/)/;

/** A v0.4 span as dd-trace encodes it (the fields the bench reads). */
interface DatadogSpan {
  readonly trace_id: bigint | number;
  readonly parent_id: bigint | number;
  readonly name: string;
  readonly resource?: string;
  readonly meta?: Readonly<Record<string, string>>;
}

function kindOf(meta: Readonly<Record<string, string>> | undefined): SpanKind {
  const kind = meta?.['span.kind'];
  return kind === 'server' || kind === 'client' ? kind : 'internal';
}

function record(span: DatadogSpan): SpanRecord {
  const root = BigInt(span.parent_id) === 0n;
  return {
    traceId: String(span.trace_id),
    name: span.name,
    kind: kindOf(span.meta),
    rootPath: root ? (pathOf(span.meta?.['http.url']) ?? span.resource ?? span.name) : undefined,
  };
}

/** v0.5: `[strings, traces]`, each span a 12-item array of string-table indices and numbers. */
function fromV05(payload: unknown): DatadogSpan[] {
  const [strings, traces] = payload as [string[], unknown[][][]];
  const text = (index: unknown): string => strings[Number(index)] ?? '';
  return traces.flat().map((span) => {
    const meta: Record<string, string> = {};
    for (const [k, v] of Object.entries((span[9] ?? {}) as Record<string, unknown>)) meta[text(k)] = text(v);
    return {
      name: text(span[1]),
      resource: text(span[2]),
      trace_id: span[3] as bigint,
      parent_id: span[5] as bigint,
      meta,
    };
  });
}

/** Decodes a /v0.4 or /v0.5 traces body into span records. */
export function decodeDatadogTraces(body: Buffer, path: string): SpanRecord[] {
  const payload = decode(body, { useBigInt64: true });
  const spans = path.startsWith('/v0.5/') ? fromV05(payload) : (payload as DatadogSpan[][]).flat();
  return spans.map(record);
}

/** The Datadog agent protocol. */
export const datadog: Protocol = {
  id: 'datadog',
  route(request) {
    if (TRACES.test(request.path) && (request.method === 'PUT' || request.method === 'POST'))
      return json(200, { rate_by_service: {} }, 'traces', true);
    if (request.path === '/info')
      return json(200, { version: 'bench-sink', endpoints: ['/v0.4/traces', '/v0.5/traces'] }, 'other');
    if (OTHER.test(request.path))
      return json(200, {}, request.path.startsWith('/dogstatsd/') ? 'metrics' : 'other');
    return undefined;
  },
  decode: (body, request) => decodeDatadogTraces(body, request.path),
};
