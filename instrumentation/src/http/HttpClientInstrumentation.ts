/**
 * Client-side HTTP signals for both of Node's clients, from their diagnostics channels: the
 * classic `http`/`https` module (`http.client.*`) and `fetch`/undici (`undici:request:*`). Each
 * outgoing request gets a CLIENT span (child of the active span, its context injected as
 * `traceparent`) and an `http_client_request_duration_seconds` observation, measured to the
 * response headers. Requests made while tracing is suppressed — Faultline's own exports — are
 * left alone, so exporting never produces telemetry about itself.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { spanAttributes as attr } from '../catalogue/index.ts';
import type { MetricsRegistry } from '../metrics/MetricsRegistry.ts';
import { normaliseMethod, splitHostPort } from './utils.ts';

const STATE = Symbol('faultline.httpClient');

interface ClientState {
  readonly startedAt: number;
  readonly method: string;
  readonly address: string;
  readonly span: Span | undefined;
}

type Tracked<T> = T & { [STATE]?: ClientState };

/** The parts of undici's request object the channels hand out. */
interface UndiciRequest {
  method: string;
  origin: string;
  path: string;
  addHeader(name: string, value: string): unknown;
}

/** What the client instrumentation needs; `tracer` is absent when traces are off. */
export interface HttpClientInstrumentationOptions {
  readonly metrics: MetricsRegistry;
  readonly tracer: Tracer | undefined;
}

const CHANNELS = {
  httpCreated: 'http.client.request.created',
  httpResponse: 'http.client.response.finish',
  httpError: 'http.client.request.error',
  undiciCreate: 'undici:request:create',
  undiciHeaders: 'undici:request:headers',
  undiciError: 'undici:request:error',
} as const;

/** Subscribes to the http and undici client channels. */
export class HttpClientInstrumentation {
  #tracer: Tracer | undefined;
  readonly #duration;
  readonly #handlers: Record<keyof typeof CHANNELS, (message: unknown) => void>;
  #enabled = false;

  constructor(options: HttpClientInstrumentationOptions) {
    this.#tracer = options.tracer;
    this.#duration = options.metrics.histogram('httpClientDuration');
    this.#handlers = {
      httpCreated: (message) => this.#onHttpCreated((message as { request: Tracked<ClientRequest> }).request),
      httpResponse: (message) => {
        const { request, response } = message as {
          request: Tracked<ClientRequest>;
          response: IncomingMessage;
        };
        this.#finish(request, response.statusCode ?? 0, undefined);
      },
      httpError: (message) => {
        const { request, error } = message as { request: Tracked<ClientRequest>; error: Error };
        this.#finish(request, 0, error);
      },
      undiciCreate: (message) =>
        this.#onUndiciCreate((message as { request: Tracked<UndiciRequest> }).request),
      undiciHeaders: (message) => {
        const { request, response } = message as {
          request: Tracked<UndiciRequest>;
          response: { statusCode: number };
        };
        this.#finish(request, response.statusCode, undefined);
      },
      undiciError: (message) => {
        const { request, error } = message as { request: Tracked<UndiciRequest>; error: Error };
        this.#finish(request, 0, error);
      },
    };
  }

  /** Stops creating spans and injecting context (the app's own setup took over); metrics carry on. */
  dropTracing(): void {
    this.#tracer = undefined;
  }

  /** Starts observing outgoing requests. */
  enable(): void {
    if (this.#enabled) return;
    for (const key of Object.keys(CHANNELS) as (keyof typeof CHANNELS)[]) {
      diagnosticsChannel.subscribe(CHANNELS[key], this.#handlers[key]);
    }
    this.#enabled = true;
  }

  /** Stops observing outgoing requests. */
  disable(): void {
    if (!this.#enabled) return;
    for (const key of Object.keys(CHANNELS) as (keyof typeof CHANNELS)[]) {
      diagnosticsChannel.unsubscribe(CHANNELS[key], this.#handlers[key]);
    }
    this.#enabled = false;
  }

  #onHttpCreated(request: Tracked<ClientRequest>): void {
    if (isTracingSuppressed(context.active())) return;
    const method = normaliseMethod(request.method);
    const hostHeader = request.getHeader('host');
    const host = typeof hostHeader === 'string' ? hostHeader : request.host;
    const { address, port } = splitHostPort(host);
    const url = `${request.protocol}//${host}${stripQuery(request.path)}`;
    const span = this.#startSpan(method, address ?? request.host, port, url, (name, value) => {
      if (!request.headersSent) request.setHeader(name, value);
    });
    request[STATE] = { startedAt: performance.now(), method, address: address ?? request.host, span };
  }

  #onUndiciCreate(request: Tracked<UndiciRequest>): void {
    if (isTracingSuppressed(context.active())) return;
    const method = normaliseMethod(request.method);
    let origin: URL;
    try {
      origin = new URL(request.origin);
    } catch {
      return;
    }
    const port = origin.port === '' ? undefined : Number(origin.port);
    const url = `${origin.origin}${stripQuery(request.path)}`;
    const span = this.#startSpan(method, origin.hostname, port, url, (name, value) => {
      request.addHeader(name, value);
    });
    request[STATE] = { startedAt: performance.now(), method, address: origin.hostname, span };
  }

  #startSpan(
    method: string,
    address: string,
    port: number | undefined,
    url: string,
    setHeader: (name: string, value: string) => void,
  ): Span | undefined {
    if (this.#tracer === undefined) return undefined;
    const parent = context.active();
    const span = this.#tracer.startSpan(
      method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [attr.httpRequestMethod]: method,
          [attr.serverAddress]: address,
          [attr.serverPort]: port,
          [attr.urlFull]: url,
        },
      },
      parent,
    );
    try {
      propagation.inject(trace.setSpan(parent, span), undefined, {
        set: (_carrier: unknown, name: string, value: string) => setHeader(name, value),
      });
    } catch {
      // Headers already flushed: the call still happens, just without propagation.
    }
    return span;
  }

  #finish(request: Tracked<object>, status: number, error: Error | undefined): void {
    const state = request[STATE];
    if (state === undefined) return;
    request[STATE] = undefined;
    const seconds = (performance.now() - state.startedAt) / 1000;
    const span = state.span;
    if (span !== undefined) {
      if (status > 0) span.setAttribute(attr.httpResponseStatusCode, status);
      if (error !== undefined || status >= 400) {
        span.setAttribute(
          attr.errorType,
          error !== undefined ? ((error as { code?: string }).code ?? error.name) : String(status),
        );
        span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
      }
      span.end();
    }
    this.#duration.observe({
      labels: {
        http_request_method: state.method,
        server_address: state.address,
        http_response_status_code: String(status),
      },
      value: seconds,
    } as never);
  }
}

function stripQuery(path: string): string {
  const at = path.indexOf('?');
  return at === -1 ? path : path.slice(0, at);
}
