/**
 * Sends OTLP/HTTP request bodies: one POST at a time over a kept-alive connection, bounded by a
 * deadline, with tracing suppressed so the export is not itself traced. Throttling and
 * temporary unavailability (429, 502, 503, 504, connection errors) are retried with backoff, as
 * the OTLP specification asks, for as long as the deadline allows, waiting as long as the
 * backend's `Retry-After` says (however long: a wait past the deadline fails the export at once);
 * any other answer fails the export at once. A success answer's `partial_success` is read, so
 * spans the backend refused are not counted as exported. Every request says who sent it in its
 * User-Agent, as the OTLP exporter specification asks. Bodies are gzipped when configured; https
 * endpoints use the configured CA and client certificate.
 */
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { INSTRUMENTATION_SCOPE } from '../../runtime.ts';
import { ALL_ACCEPTED, readExportResponse, type ExportAccepted } from './exportResponse.ts';

/** Where and how to send. */
export interface SenderOptions {
  readonly url: string;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Deadline of one export, retries included (ms). */
  readonly timeoutMs: number;
  /** `gzip` compresses each body (`content-encoding: gzip`). */
  readonly compression: 'gzip' | 'none';
  /** CA certificates to trust and a client certificate and key (PEM), for https endpoints. */
  readonly tls: {
    readonly ca?: string | undefined;
    readonly cert?: string | undefined;
    readonly key?: string | undefined;
  };
}

const gzipAsync = promisify(gzip);

/** Why an export failed. */
export class ExportError extends Error {
  override readonly name = 'ExportError';
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const FIRST_BACKOFF_MS = 100;
/** Cap of the exponential backoff Faultline picks itself (a backend's Retry-After is not capped). */
const MAX_BACKOFF_MS = 2000;
/** Answers are read up to this size for their partial success; the rest is discarded. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** The User-Agent of every export request. */
export const USER_AGENT = `Faultline-OTLP-Exporter-JavaScript/${INSTRUMENTATION_SCOPE.version}`;

/**
 * The wait a `Retry-After` header asks for, in ms (delay-seconds or an HTTP date, RFC 9110
 * §10.2.3), or undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

type Outcome =
  | { readonly ok: true; readonly accepted: ExportAccepted }
  | {
      readonly ok: false;
      readonly retryable: boolean;
      readonly reason: string;
      readonly retryAfterMs?: number;
    };

/** Posts bodies to one OTLP/HTTP endpoint. */
export class OtlpHttpSender {
  readonly #url: URL;
  readonly #options: SenderOptions;
  readonly #agent: http.Agent;
  readonly #transport: typeof http | typeof https;

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#url = new URL(options.url);
    const secure = this.#url.protocol === 'https:';
    this.#transport = secure ? https : http;
    const agentOptions = { keepAlive: true, maxSockets: 1 };
    const { ca, cert, key } = options.tls;
    this.#agent = secure
      ? new https.Agent({ ...agentOptions, ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) })
      : new http.Agent(agentOptions);
  }

  /**
   * Resolves when the endpoint accepted `encoded`, with what it said about spans it refused;
   * rejects with an {@link ExportError} giving the reason otherwise.
   */
  async send(encoded: Uint8Array): Promise<ExportAccepted> {
    const body = this.#options.compression === 'gzip' ? await gzipAsync(encoded) : encoded;
    const deadline = Date.now() + this.#options.timeoutMs;
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      const outcome = await this.#post(body, deadline - Date.now());
      if (outcome.ok) return outcome.accepted;
      const wait = outcome.retryAfterMs ?? Math.min(backoff * (0.5 + Math.random()), MAX_BACKOFF_MS);
      if (!outcome.retryable || Date.now() + wait >= deadline) throw new ExportError(outcome.reason);
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
      backoff *= 2;
    }
  }

  /** Collects a success answer's body (bounded) and reads its partial success. */
  #readAnswer(response: http.IncomingMessage, done: (accepted: ExportAccepted) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size + chunk.length <= MAX_RESPONSE_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    response.once('end', () => {
      const json = this.#options.contentType === 'application/json';
      done(
        size > MAX_RESPONSE_BYTES
          ? ALL_ACCEPTED
          : readExportResponse(Buffer.concat(chunks), json ? 'json' : 'protobuf'),
      );
    });
    // An answer cut short after a 2xx status still accepted the request.
    response.once('close', () => done(ALL_ACCEPTED));
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.#agent.destroy();
  }

  #post(body: Uint8Array, timeoutMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const request = context.with(suppressTracing(context.active()), () =>
        this.#transport.request(this.#url, {
          method: 'POST',
          agent: this.#agent,
          headers: {
            'user-agent': USER_AGENT,
            ...this.#options.headers,
            'content-type': this.#options.contentType,
            'content-length': body.length,
            ...(this.#options.compression === 'gzip' && { 'content-encoding': 'gzip' }),
          },
        }),
      );
      const timer = setTimeout(
        () => {
          settle({ ok: false, retryable: false, reason: 'export timed out' });
          request.destroy();
        },
        Math.max(1, timeoutMs),
      );
      timer.unref();
      request.once('error', (error: Error) =>
        settle({ ok: false, retryable: true, reason: error.message || String(error) }),
      );
      request.once('response', (response) => {
        const status = response.statusCode ?? 0;
        response.once('error', () => undefined);
        if (status >= 200 && status < 300) {
          this.#readAnswer(response, (accepted) => settle({ ok: true, accepted }));
          return;
        }
        response.resume();
        const retryAfter = retryAfterMs(response.headers['retry-after'], Date.now());
        settle({
          ok: false,
          retryable: RETRYABLE_STATUS.has(status),
          reason: `HTTP ${status} from ${this.#url.origin}${this.#url.pathname}`,
          ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
        });
      });
      request.end(body);
    });
  }
}
