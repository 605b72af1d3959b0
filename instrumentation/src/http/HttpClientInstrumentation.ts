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
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { spanAttributes as attr } from '../catalogue/index.ts';
import type { MetricsRegistry } from '../metrics/MetricsRegistry.ts';
import { normaliseMethod, redactQuery, spanNameMethod, splitHostPort } from './utils.ts';

const STATE = Symbol('faultline.httpClient');

interface ClientState {
  readonly startedAt: number;
  readonly method: string;
  readonly address: string;
  readonly port: number | undefined;
  readonly span: Span | undefined;
}

/** What a client span starts with. */
interface Outgoing {
  readonly rawMethod: string;
  readonly method: string;
  readonly address: string;
  readonly port: number | undefined;
  readonly url: string;
  readonly userAgent: string | undefined;
}

type Tracked<T> = T & { [STATE]?: ClientState };

/** The parts of undici's request object the channels hand out. */
interface UndiciRequest {
  method: string;
  origin: string;
  path: string;
  headers?: unknown;
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
  undiciSendHeaders: 'undici:client:sendHeaders',
  undiciHeaders: 'undici:request:headers',
  undiciError: 'undici:request:error',
} as const;

/** The attributes a client span starts with, keyed by the catalogue's names. */
interface ClientStartAttributes {
  [attr.httpRequestMethod]: string;
  [attr.serverAddress]: string | undefined;
  [attr.serverPort]: number | undefined;
  [attr.urlFull]: string;
  [attr.userAgent]: string | undefined;
}

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
        const span = request[STATE]?.span;
        this.#setPeer(span, response.socket);
        span?.setAttribute(attr.networkProtocolVersion, response.httpVersion);
        this.#finish(request, response.statusCode ?? 0, undefined);
      },
      httpError: (message) => {
        const { request, error } = message as { request: Tracked<ClientRequest>; error: Error };
        this.#finish(request, 0, error);
      },
      undiciCreate: (message) =>
        this.#onUndiciCreate((message as { request: Tracked<UndiciRequest> }).request),
      undiciSendHeaders: (message) => {
        const { request, socket } = message as {
          request: Tracked<UndiciRequest>;
          socket: { remoteAddress?: string; remotePort?: number };
        };
        this.#setPeer(request[STATE]?.span, socket);
      },
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
    const hostHeader = request.getHeader('host');
    const host = typeof hostHeader === 'string' ? hostHeader : request.host;
    const { address, port } = splitHostPort(host);
    const userAgent = request.getHeader('user-agent');
    const outgoing: Outgoing = {
      rawMethod: request.method,
      method: normaliseMethod(request.method),
      address: address ?? request.host,
      port: port ?? defaultPort(request.protocol),
      url: `${request.protocol}//${host}${withRedactedQuery(request.path)}`,
      userAgent: typeof userAgent === 'string' ? userAgent : undefined,
    };
    const span = this.#startSpan(outgoing, (name, value) => {
      if (!request.headersSent) request.setHeader(name, value);
    });
    request[STATE] = { startedAt: performance.now(), ...outgoing, span };
  }

  #onUndiciCreate(request: Tracked<UndiciRequest>): void {
    if (isTracingSuppressed(context.active())) return;
    let origin: URL;
    try {
      origin = new URL(request.origin);
    } catch {
      return;
    }
    const outgoing: Outgoing = {
      rawMethod: request.method,
      method: normaliseMethod(request.method),
      address: origin.hostname,
      port: origin.port === '' ? defaultPort(origin.protocol) : Number(origin.port),
      url: `${origin.origin}${withRedactedQuery(request.path)}`,
      userAgent: undiciUserAgent(request.headers),
    };
    const span = this.#startSpan(outgoing, (name, value) => {
      request.addHeader(name, value);
    });
    request[STATE] = { startedAt: performance.now(), ...outgoing, span };
  }

  /** `network.peer.*`: the address the connection actually reached. */
  #setPeer(span: Span | undefined, socket: { remoteAddress?: string; remotePort?: number } | null): void {
    if (span === undefined || socket?.remoteAddress === undefined) return;
    span.setAttribute(attr.networkPeerAddress, socket.remoteAddress);
    if (socket.remotePort !== undefined) span.setAttribute(attr.networkPeerPort, socket.remotePort);
  }

  #startSpan(outgoing: Outgoing, setHeader: (name: string, value: string) => void): Span | undefined {
    if (this.#tracer === undefined) return undefined;
    const parent = context.active();
    // Literal keys, checked against the catalogue's names by the type (why: ServerStartAttributes
    // in HttpServerInstrumentation.ts).
    const attributes: ClientStartAttributes & Attributes = {
      'http.request.method': outgoing.method,
      'server.address': outgoing.address,
      'server.port': outgoing.port,
      'url.full': outgoing.url,
      'user_agent.original': outgoing.userAgent,
    };
    if (outgoing.rawMethod !== outgoing.method)
      attributes[attr.httpRequestMethodOriginal] = outgoing.rawMethod;
    const span = this.#tracer.startSpan(
      spanNameMethod(outgoing.method),
      { kind: SpanKind.CLIENT, attributes },
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
    const errorType =
      error !== undefined
        ? ((error as { code?: string }).code ?? error.name)
        : status >= 400
          ? String(status)
          : undefined;
    const span = state.span;
    if (span !== undefined) {
      if (status > 0) span.setAttribute(attr.httpResponseStatusCode, status);
      if (errorType !== undefined) {
        span.setAttribute(attr.errorType, errorType);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
      }
      // No response at all (refused, reset, DNS): the error itself is the only record of why.
      if (error !== undefined) span.recordException(error);
      span.end();
    }
    const labels: Record<string, string> = {
      http_request_method: state.method,
      server_address: state.address,
    };
    if (state.port !== undefined) labels.server_port = String(state.port);
    // No response, no status code: the conventions leave the label out rather than invent one.
    if (status > 0) labels.http_response_status_code = String(status);
    if (errorType !== undefined) labels.error_type = errorType;
    this.#duration.observe({ labels, value: seconds } as never);
  }
}

function defaultPort(protocol: string | null | undefined): number | undefined {
  return protocol === 'https:' ? 443 : protocol === 'http:' ? 80 : undefined;
}

/** A request path with the values of credential query parameters redacted (for `url.full`). */
function withRedactedQuery(path: string): string {
  const at = path.indexOf('?');
  return at === -1 ? path : `${path.slice(0, at)}?${redactQuery(path.slice(at + 1))}`;
}

/** undici keeps request headers as a flat [name, value, ...] array (or a string block). */
function undiciUserAgent(headers: unknown): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === 'user-agent') return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === 'string') return /^user-agent:\s*(.*)$/im.exec(headers)?.[1]?.trim();
  return undefined;
}
