/**
 * Spans per request, from what an agent exported: span records from any protocol's decoder,
 * grouped by trace, counted for the traces whose root span served a matching path. Pure, so
 * every decoder's output is summarised the same way.
 */

/** SERVER, CLIENT, or anything else. */
export type SpanKind = 'server' | 'client' | 'internal';

/** One span, as much as the bench needs of it. */
export interface SpanRecord {
  readonly traceId: string;
  readonly name: string;
  readonly kind: SpanKind;
  /** The request path when this is the trace's root span; undefined for every other span. */
  readonly rootPath: string | undefined;
}

/** Spans grouped by trace, for traces whose root request matched a path. */
export interface TraceShape {
  readonly traces: number;
  readonly spans: number;
  /** Mean spans per trace (per request: the bench sends no traceparent). */
  readonly spansPerTrace: number;
  /** Mean SERVER / CLIENT / INTERNAL spans per trace. */
  readonly byKind: { readonly server: number; readonly client: number; readonly internal: number };
  /** Distinct span names seen, with counts per trace. */
  readonly names: Readonly<Record<string, number>>;
  /** Bodies the protocol's decoder could not read (counted, not fatal). */
  readonly undecodable: number;
}

interface TraceTally {
  rootPath: string | undefined;
  spans: number;
  server: number;
  client: number;
  names: Map<string, number>;
}

/** Folds batches of span records into small per-trace tallies and summarises the matching ones. */
export function summariseTraces(
  batches: Iterable<readonly SpanRecord[] | Error>,
  matches: (path: string) => boolean,
): TraceShape {
  const byTrace = new Map<string, TraceTally>();
  let undecodable = 0;
  for (const batch of batches) {
    if (batch instanceof Error) {
      undecodable += 1;
      continue;
    }
    for (const span of batch) {
      let tally = byTrace.get(span.traceId);
      if (tally === undefined) {
        tally = { rootPath: undefined, spans: 0, server: 0, client: 0, names: new Map() };
        byTrace.set(span.traceId, tally);
      }
      tally.spans += 1;
      if (span.kind === 'server') tally.server += 1;
      else if (span.kind === 'client') tally.client += 1;
      tally.names.set(span.name, (tally.names.get(span.name) ?? 0) + 1);
      if (span.rootPath !== undefined) tally.rootPath = span.rootPath;
    }
  }
  let traces = 0;
  const totals = { spans: 0, server: 0, client: 0 };
  const names: Record<string, number> = {};
  for (const tally of byTrace.values()) {
    if (tally.rootPath === undefined || !matches(tally.rootPath)) continue;
    traces += 1;
    totals.spans += tally.spans;
    totals.server += tally.server;
    totals.client += tally.client;
    for (const [name, n] of tally.names) names[name] = (names[name] ?? 0) + n;
  }
  const per = (n: number): number => (traces === 0 ? 0 : n / traces);
  return {
    traces,
    spans: totals.spans,
    spansPerTrace: per(totals.spans),
    byKind: {
      server: per(totals.server),
      client: per(totals.client),
      internal: per(totals.spans - totals.server - totals.client),
    },
    names: Object.fromEntries(Object.entries(names).map(([name, n]) => [name, per(n)])),
    undecodable,
  };
}
