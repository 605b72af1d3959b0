/**
 * Sends OTLP trace requests over gRPC (`opentelemetry.proto.collector.trace.v1.TraceService/
 * Export`) on one HTTP/2 session, with Node's own `http2`: the body is the same protobuf the
 * OTLP/HTTP exporter sends, in gRPC's length-prefixed frame (gzipped when configured), and the
 * outcome is the `grpc-status` trailer. UNAVAILABLE, RESOURCE_EXHAUSTED and the other statuses
 * the OTLP specification calls retryable are retried with backoff within the deadline, as are
 * connection errors; `http` endpoints are plaintext (h2c), `https` ones use TLS with the
 * configured CA and client certificate. The answer's message is read (bounded) for its
 * `partial_success`, so spans the backend refused are not counted as exported, and every call
 * carries the exporter's User-Agent.
 */
import http2 from 'node:http2';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { ALL_ACCEPTED, readExportResponse, type ExportAccepted } from './exportResponse.ts';
import { ExportError, USER_AGENT, type SenderOptions } from './OtlpHttpSender.ts';

const PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
/** gRPC status codes the OTLP specification says to retry. */
const RETRYABLE_STATUS = new Set([1, 4, 8, 10, 11, 14, 15]);
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2000;
const gzipAsync = promisify(gzip);
/** Answers are read up to this size for their partial success; the rest is discarded. */
const MAX_RESPONSE_BYTES = 64 * 1024;

type Outcome = { ok: true; accepted: ExportAccepted } | { ok: false; retryable: boolean; reason: string };

/**
 * The partial success in a success answer's body: its one gRPC frame, uncompressed (the sender
 * asks for no compressed answers). Anything else (no message, a compressed or cut-short frame)
 * counts as fully accepted: the status said the request was.
 */
export function readGrpcAnswer(body: Buffer): ExportAccepted {
  if (body.length < 5 || body.readUInt8(0) !== 0) return ALL_ACCEPTED;
  const length = body.readUInt32BE(1);
  if (body.length < 5 + length) return ALL_ACCEPTED;
  return readExportResponse(body.subarray(5, 5 + length), 'protobuf');
}

/** The gRPC message frame: compressed flag, big-endian length, message. */
export function grpcFrame(message: Uint8Array, compressed: boolean): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame.writeUInt8(compressed ? 1 : 0, 0);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** Exports to one OTLP/gRPC endpoint. */
export class OtlpGrpcSender {
  readonly #options: SenderOptions;
  readonly #authority: string;
  #session: http2.ClientHttp2Session | undefined;
  /** Calls in flight: the session keeps the process alive only while there are some. */
  #active = 0;

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#authority = new URL(options.url).origin;
  }

  /** Resolves with what the endpoint accepted of `encoded` (an ExportTraceServiceRequest); rejects when refused. */
  async send(encoded: Uint8Array): Promise<ExportAccepted> {
    const gzipped = this.#options.compression === 'gzip';
    const frame = grpcFrame(gzipped ? await gzipAsync(encoded) : encoded, gzipped);
    const deadline = Date.now() + this.#options.timeoutMs;
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      const outcome = await this.#call(frame, deadline - Date.now());
      if (outcome.ok) return outcome.accepted;
      const wait = Math.min(backoff * (0.5 + Math.random()), MAX_BACKOFF_MS);
      if (!outcome.retryable || Date.now() + wait >= deadline) throw new ExportError(outcome.reason);
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
      backoff *= 2;
    }
  }

  /** Closes the HTTP/2 session. */
  close(): void {
    this.#session?.close();
    this.#session = undefined;
  }

  #connect(): http2.ClientHttp2Session {
    if (this.#session && !this.#session.closed && !this.#session.destroyed) return this.#session;
    const { ca, cert, key } = this.#options.tls;
    const session = http2.connect(this.#authority, {
      ...(ca && { ca }),
      ...(cert && { cert }),
      ...(key && { key }),
    });
    session.on('error', () => undefined);
    session.once('close', () => {
      if (this.#session === session) this.#session = undefined;
    });
    this.#session = session;
    return session;
  }

  #call(frame: Buffer, timeoutMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false;
      const session = this.#connect();
      this.#active += 1;
      session.ref();
      const settle = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#active -= 1;
        // An idle session must not keep the app's process alive; one in use must (a flush at exit).
        if (this.#active === 0 && !session.destroyed) session.unref();
        resolve(outcome);
      };
      const stream = context.with(suppressTracing(context.active()), () =>
        session.request({
          ':method': 'POST',
          ':path': PATH,
          'content-type': 'application/grpc',
          te: 'trailers',
          'user-agent': USER_AGENT,
          ...(this.#options.compression === 'gzip' && { 'grpc-encoding': 'gzip' }),
          ...this.#options.headers,
        }),
      );
      const timer = setTimeout(
        () => {
          settle({ ok: false, retryable: false, reason: 'export timed out' });
          stream.close(http2.constants.NGHTTP2_CANCEL);
        },
        Math.max(1, timeoutMs),
      );
      timer.unref();
      let headers: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (size + chunk.length <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      stream.on('response', (received) => (headers = received));
      stream.on('trailers', (trailers) => (headers = { ...headers, ...trailers }));
      stream.on('error', (error: Error) => settle({ ok: false, retryable: true, reason: error.message }));
      stream.on('close', () => {
        // Trailers-only responses carry grpc-status in the headers.
        const status = Number(headers['grpc-status']);
        if (status === 0)
          settle({
            ok: true,
            accepted: size > MAX_RESPONSE_BYTES ? ALL_ACCEPTED : readGrpcAnswer(Buffer.concat(chunks)),
          });
        else if (Number.isInteger(status)) {
          const message = headers['grpc-message'];
          settle({
            ok: false,
            retryable: RETRYABLE_STATUS.has(status),
            reason: `gRPC status ${status}${message ? ` (${decodeURIComponent(String(message))})` : ''} from ${this.#authority}`,
          });
        } else settle({ ok: false, retryable: true, reason: `no gRPC status from ${this.#authority}` });
      });
      stream.end(frame);
    });
  }
}
