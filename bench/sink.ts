/**
 * The local OTLP/HTTP sink both Faultline and the OpenTelemetry defaults export to. It answers
 * every signal (traces, metrics, logs) with 200 and keeps trace bodies undecoded during the run,
 * so the sink's own CPU does not compete with the load generator; `traceShapes()` decodes them
 * afterwards with the strict receiver's decoder and counts spans per trace.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  decodeTraceExport,
  emptyExportResponse,
  encodingOf,
} from '../testing/receivers/otlp/decodeTraceExport.ts';
import type { NormalisedSpan } from '../testing/receivers/otlp/normaliseSpans.ts';
import { readBody } from '../testing/receivers/shared/readBody.ts';
import { parseMediaType } from '../testing/receivers/shared/mediaType.ts';

/** Requests per OTLP signal path, and bytes received. */
export interface SinkTraffic {
  readonly traces: number;
  readonly metrics: number;
  readonly logs: number;
  readonly other: number;
  readonly bytes: number;
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
}

/** A running sink. */
export interface OtlpSink {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  traffic(): SinkTraffic;
  /** Decodes what was received and summarises the traces whose root span's path matches. */
  traceShape(matches: (path: string) => boolean): TraceShape;
  /** Forgets everything received. */
  reset(): void;
  close(): Promise<void>;
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

/** Starts the sink on a free loopback port. */
export async function startOtlpSink(): Promise<OtlpSink> {
  let bodies: { body: Buffer; encoding: 'protobuf' | 'json' }[] = [];
  let traffic = { traces: 0, metrics: 0, logs: 0, other: 0, bytes: 0 };
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(400).end();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    traffic.bytes += body.length;
    const encoding = encodingOf(parseMediaType(req.headers['content-type'])?.essence) ?? 'protobuf';
    const path = (req.url ?? '').split('?')[0];
    if (path === '/v1/traces') {
      traffic.traces += 1;
      bodies.push({ body, encoding });
    } else if (path === '/v1/metrics') traffic.metrics += 1;
    else if (path === '/v1/logs') traffic.logs += 1;
    else traffic.other += 1;
    const answer = emptyExportResponse(encoding);
    res.writeHead(200, {
      'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
    });
    res.end(answer);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    traffic: () => ({ ...traffic }),
    traceShape: (matches) => summarise(bodies, matches),
    reset: () => {
      bodies = [];
      traffic = { traces: 0, metrics: 0, logs: 0, other: 0, bytes: 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function requestPath(span: NormalisedSpan): string {
  const a = span.attributes;
  return String(a['url.path'] ?? a['http.target'] ?? a['http.route'] ?? span.name);
}

interface TraceTally {
  rootPath: string | undefined;
  spans: number;
  server: number;
  client: number;
  names: Map<string, number>;
}

/** Folds decoded bodies one at a time into small per-trace tallies (full spans would not fit). */
function summarise(
  bodies: readonly { body: Buffer; encoding: 'protobuf' | 'json' }[],
  matches: (path: string) => boolean,
): TraceShape {
  const byTrace = new Map<string, TraceTally>();
  for (const { body, encoding } of bodies) {
    for (const span of decodeTraceExport(body, encoding)) {
      let tally = byTrace.get(span.traceId);
      if (tally === undefined) {
        tally = { rootPath: undefined, spans: 0, server: 0, client: 0, names: new Map() };
        byTrace.set(span.traceId, tally);
      }
      tally.spans += 1;
      if (span.kind === SPAN_KIND_SERVER) tally.server += 1;
      else if (span.kind === SPAN_KIND_CLIENT) tally.client += 1;
      tally.names.set(span.name, (tally.names.get(span.name) ?? 0) + 1);
      if (span.parentSpanId === '') tally.rootPath = requestPath(span);
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
  };
}
