/**
 * The local sink every traced variant exports to, on one loopback port: it speaks OTLP/HTTP
 * (Faultline, EDOT, the OpenTelemetry SDK), the Datadog agent's trace intake (dd-trace), Elastic
 * APM Server's intake (elastic-apm-node) and Sentry's envelope endpoint (@sentry/node), each
 * answered as its collector would. Trace bodies are kept undecoded during the run, so the sink's
 * own CPU does not compete with the load generator, and at most KEEP_BYTES per window (bounded
 * memory and decoding time); {@link shapeOf} decodes them afterwards with the protocol's decoder.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, gunzipSync, inflateSync } from 'node:zlib';
import { datadog } from './protocols/datadog.ts';
import { elasticApm } from './protocols/elasticApm.ts';
import { otlp } from './protocols/otlp.ts';
import type { Protocol, Received, Route } from './protocols/protocol.ts';
import { sentry } from './protocols/sentry.ts';
import { summariseTraces, type SpanRecord, type TraceShape } from './traceShape.ts';

export type { TraceShape } from './traceShape.ts';

/** Every protocol the sink accepts, tried in order. */
export const PROTOCOLS: readonly Protocol[] = [otlp, datadog, elasticApm, sentry];

/** Requests per signal, bytes received, and trace bodies not kept past the window's budget. */
export interface SinkTraffic {
  readonly traces: number;
  readonly metrics: number;
  readonly logs: number;
  readonly other: number;
  readonly bytes: number;
  readonly notKept: number;
}

/** A kept trace body, still as it came over the wire. */
export interface KeptBody {
  readonly protocol: Protocol;
  readonly request: Received;
  readonly raw: Buffer;
  readonly contentEncoding: string | undefined;
}

/** A running sink. */
export interface Sink {
  /** Base URL: OTEL_EXPORTER_OTLP_ENDPOINT, DD_TRACE_AGENT_URL, ELASTIC_APM_SERVER_URL, the DSN's host. */
  readonly url: string;
  traffic(): SinkTraffic;
  /**
   * Resolves once the sink has been quiet for a moment (at most SETTLE_LIMIT_MS): after a load, an
   * agent's backlog has drained; after an app has exited, its last export is in.
   */
  settle(): Promise<void>;
  /** The trace bodies kept since the last cut (or reset); starts a new window. */
  cut(): readonly KeptBody[];
  /** Forgets everything received. */
  reset(): void;
  close(): Promise<void>;
}

/** Raw trace bytes kept per window: enough for tens of thousands of traces of any agent. */
const KEEP_BYTES = 4 * 1024 * 1024;
/** Longest wait for an agent's requests to stop arriving. */
const SETTLE_LIMIT_MS = 2_000;
/** How long without a new request counts as quiet. */
const QUIET_MS = 100;
const NOT_FOUND: Route = { signal: 'other', keep: false, status: 404, headers: {}, body: '' };

function emptyTraffic(): Record<keyof SinkTraffic, number> {
  return { traces: 0, metrics: 0, logs: 0, other: 0, bytes: 0, notKept: 0 };
}

function routeOf(request: Received): { protocol: Protocol | undefined; route: Route } {
  for (const protocol of PROTOCOLS) {
    const route = protocol.route(request);
    if (route) return { protocol, route };
  }
  return { protocol: undefined, route: NOT_FOUND };
}

/** What the sink holds between cuts: the kept window, traffic counts, requests in progress. */
class SinkState {
  window: KeptBody[] = [];
  windowBytes = 0;
  traffic = emptyTraffic();
  receiving = 0;
  lastBegun = 0;

  begin(): void {
    this.receiving += 1;
    this.lastBegun = performance.now();
  }

  /** Counts a finished request and keeps its body if it carries spans and the window has room. */
  finish(route: Route, body: KeptBody | undefined, bytes: number): void {
    this.receiving -= 1;
    this.traffic[route.signal] += 1;
    this.traffic.bytes += bytes;
    if (body === undefined) return;
    if (this.windowBytes + body.raw.length > KEEP_BYTES) this.traffic.notKept += 1;
    else {
      this.window.push(body);
      this.windowBytes += body.raw.length;
    }
  }

  cut(): KeptBody[] {
    const closed = this.window;
    this.window = [];
    this.windowBytes = 0;
    return closed;
  }

  /** Quiet: no request in progress and none begun for QUIET_MS. */
  quiet(): boolean {
    return this.receiving === 0 && performance.now() - this.lastBegun >= QUIET_MS;
  }
}

/** Answers one request as its protocol's collector would, and records it in `state`. */
function receive(state: SinkState, req: IncomingMessage, res: ServerResponse): void {
  const request: Received = {
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0]!,
    contentType: req.headers['content-type'],
  };
  const { protocol, route } = routeOf(request);
  const chunks: Buffer[] = [];
  state.begin();
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  // 'close' also comes when an agent's streamed request is cut off by its process exiting:
  // what arrived is kept all the same (the decoders skip a truncated tail).
  req.once('close', () => {
    const raw = Buffer.concat(chunks);
    const keep = protocol !== undefined && route.keep && raw.length > 0;
    const body = keep
      ? { protocol, request, raw, contentEncoding: req.headers['content-encoding'] }
      : undefined;
    state.finish(route, body, raw.length);
  });
  req.once('end', () => {
    res.writeHead(route.status, route.headers);
    res.end(route.body);
  });
}

/** Starts the sink on a free loopback port. */
export async function startSink(): Promise<Sink> {
  let state = new SinkState();
  const server = createServer((req, res) => receive(state, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    traffic: () => ({ ...state.traffic }),
    settle: async () => {
      // One turn of the event loop first lets data already in the socket buffers be read.
      await new Promise((resolve) => setImmediate(resolve));
      for (let waited = 0; !state.quiet() && waited < SETTLE_LIMIT_MS; waited += 10)
        await new Promise((resolve) => setTimeout(resolve, 10));
    },
    cut: () => state.cut(),
    reset: () => {
      // Requests still in progress finish into the old state and are forgotten with it.
      state = new SinkState();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Undoes gzip or deflate, accepting a stream cut short (what was flushed is returned). */
export function decompress(raw: Buffer, encoding: string | undefined): Buffer {
  const name = (encoding ?? '').trim().toLowerCase();
  const options = { finishFlush: constants.Z_SYNC_FLUSH };
  if (name === 'gzip') return gunzipSync(raw, options);
  if (name === 'deflate') return inflateSync(raw, options);
  if (name === '' || name === 'identity') return raw;
  throw new Error(`unsupported content-encoding "${encoding}"`);
}

function* decoded(bodies: readonly KeptBody[]): Generator<readonly SpanRecord[] | Error> {
  for (const body of bodies) {
    try {
      yield body.protocol.decode(decompress(body.raw, body.contentEncoding), body.request);
    } catch (error) {
      yield error as Error;
    }
  }
}

/** Decodes kept bodies and summarises the traces whose root span's path matches. */
export function shapeOf(bodies: readonly KeptBody[], matches: (path: string) => boolean): TraceShape {
  return summariseTraces(decoded(bodies), matches);
}
