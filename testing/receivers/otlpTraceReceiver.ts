/**
 * A strict OTLP/HTTP trace receiver (`POST /v1/traces`) for tests: it decodes both encodings
 * against the official schema (see otlp/otlpProto.ts for which proto version and why), rejects
 * anything malformed with 400 and records the rejection, and keeps every accepted span in a
 * normalised form. Fault modes let a test make the backend fail (503) or hang.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidOtlpPayloadError } from './otlp/InvalidOtlpPayloadError.ts';
import {
  decodeTraceExport,
  exportResponse,
  type PartialSuccess,
  encodingOf,
  OTLP_MEDIA_TYPES,
  type OtlpEncoding,
} from './otlp/decodeTraceExport.ts';
import type { NormalisedSpan } from './otlp/normaliseSpans.ts';
import { listen } from './shared/listen.ts';
import { parseMediaType } from './shared/mediaType.ts';
import { BodyReadError, readBody } from './shared/readBody.ts';
import { sendJson } from './shared/sendJson.ts';
import { pollUntil, type WaitOptions } from './shared/waitFor.ts';

/** How the receiver answers: normally, with 503 Service Unavailable, or never (until close). */
export type OtlpReceiverMode = 'ok' | 'error' | 'hang';

/** Options of startOtlpTraceReceiver. */
export interface OtlpTraceReceiverOptions {
  /** Port to bind (default 0: a free one). */
  port?: number;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Initial fault mode (default 'ok'). */
  mode?: OtlpReceiverMode;
}

/** One accepted export request. */
export interface OtlpExport {
  readonly encoding: OtlpEncoding;
  readonly spans: readonly NormalisedSpan[];
  /** The request's User-Agent header. */
  readonly userAgent: string | undefined;
}

/** What the receiver says in its answers besides the status (see `setAnswer`). */
export interface OtlpAnswer {
  /** Answer accepted requests with this `partial_success` (spans refused, and why). */
  readonly partialSuccess?: PartialSuccess;
  /** Send this `Retry-After` value with 503 answers in 'error' mode. */
  readonly retryAfter?: string;
}

/** One refused request: the status answered and the problem named in the 400/404/405/413/415 body. */
export interface OtlpRejection {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly path: string;
  readonly problem: string;
}

/** A running receiver. All accessors return snapshots. */
export interface OtlpTraceReceiver {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The export endpoint, `${url}/v1/traces`: what an exporter's `url` option takes. */
  readonly tracesUrl: string;
  /** Every accepted span, in arrival order. */
  spans(): readonly NormalisedSpan[];
  /** Every accepted export request. */
  exports(): readonly OtlpExport[];
  /** Every refused request; a passing test usually asserts this is empty. */
  rejections(): readonly OtlpRejection[];
  /** Requests that reached the server, in any mode and with any outcome. */
  requestCount(): number;
  /** Switches the fault mode for requests that arrive from now on. */
  setMode(mode: OtlpReceiverMode): void;
  /** Sets what answers to requests that arrive from now on carry (partial success, Retry-After). */
  setAnswer(answer: OtlpAnswer): void;
  /** Resolves with the first received span matching `predicate`; WaitTimeoutError at the deadline. */
  waitForSpan(predicate: (span: NormalisedSpan) => boolean, options?: WaitOptions): Promise<NormalisedSpan>;
  /** Resolves with all spans once `predicate(allSpans)` holds (e.g. `s => s.length >= 3`). */
  waitForSpans(
    predicate: (spans: readonly NormalisedSpan[]) => boolean,
    options?: WaitOptions,
  ): Promise<readonly NormalisedSpan[]>;
  /** Resolves with the first rejection matching `predicate` (any rejection by default). */
  waitForRejection(
    predicate?: (rejection: OtlpRejection) => boolean,
    options?: WaitOptions,
  ): Promise<OtlpRejection>;
  /** Resolves once at least `count` requests have arrived (useful in 'error' and 'hang' modes). */
  waitForRequestCount(count: number, options?: WaitOptions): Promise<number>;
  /** Forgets everything received so far. */
  reset(): void;
  /** Stops the server, dropping hung connections; later requests are refused by the OS. */
  close(): Promise<void>;
}

interface State {
  mode: OtlpReceiverMode;
  answer: OtlpAnswer;
  requests: number;
  exports: OtlpExport[];
  rejections: OtlpRejection[];
}

/** Starts a receiver and resolves once it listens. Throws if the port cannot be bound. */
export async function startOtlpTraceReceiver(
  options: OtlpTraceReceiverOptions = {},
): Promise<OtlpTraceReceiver> {
  const state: State = { mode: options.mode ?? 'ok', answer: {}, requests: 0, exports: [], rejections: [] };
  const server = await listen((req, res) => handle(state, req, res), options);
  const spans = () => state.exports.flatMap((e) => e.spans);
  return {
    url: server.url,
    tracesUrl: `${server.url}/v1/traces`,
    spans,
    exports: () => [...state.exports],
    rejections: () => [...state.rejections],
    requestCount: () => state.requests,
    setMode: (mode) => {
      state.mode = mode;
    },
    setAnswer: (answer) => {
      state.answer = answer;
    },
    waitForSpan: (predicate, wait) =>
      pollUntil(
        () => spans().find(predicate),
        () => `no matching span among ${spans().length} (${summarise(state)})`,
        wait,
      ),
    waitForSpans: (predicate, wait) =>
      pollUntil(
        () => (predicate(spans()) ? spans() : undefined),
        () => `span predicate never held; ${summarise(state)}`,
        wait,
      ),
    waitForRejection: (predicate = () => true, wait) =>
      pollUntil(
        () => state.rejections.find(predicate),
        () => `no matching rejection; ${summarise(state)}`,
        wait,
      ),
    waitForRequestCount: (count, wait) =>
      pollUntil(
        () => (state.requests >= count ? state.requests : undefined),
        () => `${state.requests} of ${count} requests arrived`,
        wait,
      ),
    reset: () => {
      state.requests = 0;
      state.exports = [];
      state.rejections = [];
    },
    close: () => server.close(),
  };
}

function summarise(state: State): string {
  const problems = state.rejections.map((r) => `${r.status} ${r.path} ${r.problem}`.trim());
  return `${state.requests} requests, ${state.exports.length} accepted, rejections: [${problems.join('; ')}]`;
}

async function handle(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.requests += 1;
  const contentType = req.headers['content-type'];
  const refuse = (status: number, problem: string, path = '') => {
    state.rejections.push({ status, contentType, path, problem });
    sendJson(res, status, { code: 3, message: path === '' ? problem : `${path}: ${problem}`, path, problem });
  };
  const url = new URL(req.url ?? '/', 'http://receiver');
  if (url.pathname !== '/v1/traces') return refuse(404, `no such endpoint ${url.pathname}; use /v1/traces`);
  if (req.method !== 'POST') return refuse(405, `method ${req.method} not allowed; use POST`);
  if (state.mode === 'hang') return; // never answered; close() destroys the connection
  if (state.mode === 'error') {
    req.resume();
    if (state.answer.retryAfter !== undefined) res.setHeader('retry-after', state.answer.retryAfter);
    return sendJson(res, 503, { code: 14, message: 'receiver is in error mode' });
  }
  const encoding = encodingOf(parseMediaType(contentType)?.essence);
  if (encoding === undefined) {
    req.resume();
    return refuse(
      415,
      `unsupported content type ${JSON.stringify(contentType ?? null)}; use application/x-protobuf or application/json`,
    );
  }
  try {
    const spans = decodeTraceExport(await readBody(req), encoding);
    state.exports.push({ encoding, spans, userAgent: req.headers['user-agent'] });
  } catch (error) {
    if (error instanceof InvalidOtlpPayloadError) return refuse(400, error.problem, error.path);
    if (error instanceof BodyReadError) return refuse(error.status, error.message);
    throw error;
  }
  const body = exportResponse(encoding, state.answer.partialSuccess);
  res.writeHead(200, { 'content-type': OTLP_MEDIA_TYPES[encoding], 'content-length': body.length });
  res.end(body);
}
