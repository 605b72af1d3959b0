/**
 * An OTLP trace receiver on HTTP/2 for the exporter's transport tests: gRPC
 * (`TraceService/Export`, length-prefixed protobuf frames, gzip per `grpc-encoding`, answered
 * with a `grpc-status` trailer) in plaintext (h2c) or over TLS, and with TLS also OTLP/HTTP
 * (`POST /v1/traces`, protobuf, optionally `content-encoding: gzip`) over HTTP/1.1. Bodies are
 * decoded and validated with the same decoder as the OTLP/HTTP receiver; what arrived and how
 * (compression, content type) is recorded.
 */
import http2 from 'node:http2';
import { gunzipSync } from 'node:zlib';
import {
  decodeTraceExport,
  emptyExportResponse,
  exportResponse,
  type PartialSuccess,
} from './otlp/decodeTraceExport.ts';
import type { NormalisedSpan } from './otlp/normaliseSpans.ts';
import { pollUntil, type WaitOptions } from './shared/waitFor.ts';

/** How one request reached the receiver. */
export interface TransportRecord {
  readonly protocol: 'grpc' | 'http/protobuf';
  readonly httpVersion: string;
  readonly compressed: boolean;
  readonly spans: number;
  readonly userAgent: string | undefined;
}

/** A running receiver. */
export interface OtlpGrpcTraceReceiver {
  /** `http://127.0.0.1:port` (plaintext) or `https://127.0.0.1:port` (TLS). */
  readonly url: string;
  spans(): readonly NormalisedSpan[];
  requests(): readonly TransportRecord[];
  /** Problems with requests that were refused (bad path, frame or body). */
  problems(): readonly string[];
  waitForSpan(predicate: (span: NormalisedSpan) => boolean, options?: WaitOptions): Promise<NormalisedSpan>;
  /** Answers later gRPC exports with this `partial_success` (undefined: an empty response). */
  setPartialSuccess(partial: PartialSuccess | undefined): void;
  close(): Promise<void>;
}

const GRPC_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

function readAll(request: http2.Http2ServerRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The message of a single gRPC frame, decompressed per its flag. */
function unframe(body: Buffer, encoding: string | undefined): { message: Buffer; compressed: boolean } {
  if (body.length < 5) throw new Error(`gRPC body of ${body.length} bytes has no frame header`);
  const compressed = body.readUInt8(0) === 1;
  const length = body.readUInt32BE(1);
  if (body.length !== 5 + length)
    throw new Error(`gRPC frame says ${length} bytes, body has ${body.length - 5}`);
  const message = body.subarray(5);
  if (compressed && encoding !== 'gzip') throw new Error(`compressed frame with grpc-encoding ${encoding}`);
  return { message: compressed ? gunzipSync(message) : message, compressed };
}

/** Starts the receiver; `tls` (PEM key and certificate) serves TLS and HTTP/1.1 too. */
export async function startOtlpGrpcTraceReceiver(
  options: { tls?: { key: string; cert: string } } = {},
): Promise<OtlpGrpcTraceReceiver> {
  const spans: NormalisedSpan[] = [];
  const records: TransportRecord[] = [];
  const problems: string[] = [];
  let partialSuccess: PartialSuccess | undefined;

  const handle = async (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) => {
    try {
      const body = await readAll(request);
      if (request.url === GRPC_PATH && request.headers['content-type'] === 'application/grpc') {
        const { message, compressed } = unframe(body, request.headers['grpc-encoding'] as string | undefined);
        const decoded = decodeTraceExport(message, 'protobuf');
        spans.push(...decoded);
        records.push({
          protocol: 'grpc',
          httpVersion: request.httpVersion,
          compressed,
          spans: decoded.length,
          userAgent: request.headers['user-agent'],
        });
        const reply = exportResponse('protobuf', partialSuccess);
        const frame = Buffer.alloc(5 + reply.length);
        frame.writeUInt32BE(reply.length, 1);
        reply.copy(frame, 5);
        response.setHeader('content-type', 'application/grpc');
        response.addTrailers({ 'grpc-status': '0' });
        response.end(frame);
        return;
      }
      if (request.url === '/v1/traces' && request.headers['content-type'] === 'application/x-protobuf') {
        const compressed = request.headers['content-encoding'] === 'gzip';
        const decoded = decodeTraceExport(compressed ? gunzipSync(body) : body, 'protobuf');
        spans.push(...decoded);
        records.push({
          protocol: 'http/protobuf',
          httpVersion: request.httpVersion,
          compressed,
          spans: decoded.length,
          userAgent: request.headers['user-agent'],
        });
        response.setHeader('content-type', 'application/x-protobuf');
        response.end(emptyExportResponse('protobuf'));
        return;
      }
      throw new Error(`unexpected ${request.method} ${request.url} (${request.headers['content-type']})`);
    } catch (error) {
      problems.push((error as Error).message);
      if (request.url === GRPC_PATH) {
        response.setHeader('content-type', 'application/grpc');
        response.addTrailers({
          'grpc-status': '3',
          'grpc-message': encodeURIComponent((error as Error).message),
        });
        response.end();
      } else {
        response.statusCode = 400;
        response.end((error as Error).message);
      }
    }
  };
  const onRequest = (request: http2.Http2ServerRequest, response: http2.Http2ServerResponse) =>
    void handle(request, response);
  const server = options.tls
    ? http2.createSecureServer({ ...options.tls, allowHTTP1: true }, onRequest)
    : http2.createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    spans: () => [...spans],
    requests: () => [...records],
    problems: () => [...problems],
    setPartialSuccess: (partial) => {
      partialSuccess = partial;
    },
    waitForSpan: (predicate, wait) =>
      pollUntil(
        () => spans.find(predicate),
        () => `no matching span among ${spans.length}; problems: [${problems.join('; ')}]`,
        wait,
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
