/**
 * Sends OTLP/HTTP request bodies: one POST at a time over a kept-alive connection, bounded by a
 * deadline, with tracing suppressed so the export is not itself traced. Throttling and
 * temporary unavailability (429, 502, 503, 504, connection errors) are retried with backoff, as
 * the OTLP specification asks, for as long as the deadline allows; any other answer fails the
 * export at once. Bodies are gzipped when configured; https endpoints use the configured CA and
 * client certificate.
 */
import http from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

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
const MAX_BACKOFF_MS = 2000;

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

  /** Resolves when the endpoint accepted `body`; rejects with the reason otherwise. */
  async send(encoded: Uint8Array): Promise<void> {
    const body = this.#options.compression === 'gzip' ? await gzipAsync(encoded) : encoded;
    const deadline = Date.now() + this.#options.timeoutMs;
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      const outcome = await this.#post(body, deadline - Date.now());
      if (outcome.ok) return;
      const wait = Math.min(outcome.retryAfterMs ?? backoff * (0.5 + Math.random()), MAX_BACKOFF_MS);
      if (!outcome.retryable || Date.now() + wait >= deadline) throw new ExportError(outcome.reason);
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
      backoff *= 2;
    }
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.#agent.destroy();
  }

  #post(
    body: Uint8Array,
    timeoutMs: number,
  ): Promise<{ ok: true } | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number }> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (
        outcome: { ok: true } | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number },
      ): void => {
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
        response.resume();
        response.once('error', () => undefined);
        if (status >= 200 && status < 300) {
          settle({ ok: true });
          return;
        }
        const retryAfter = Number(response.headers['retry-after']);
        settle({
          ok: false,
          retryable: RETRYABLE_STATUS.has(status),
          reason: `HTTP ${status} from ${this.#url.origin}${this.#url.pathname}`,
          ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
        });
      });
      request.end(body);
    });
  }
}
