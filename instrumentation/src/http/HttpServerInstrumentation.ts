/**
 * Server-side HTTP signals from Node's own diagnostics channels: one SERVER span per request
 * (made active for the app's handler through the context manager's `enterWith`) and the
 * `http_server_request_duration_seconds` histogram by route template, with a trace-id exemplar.
 * The route template is read when the response closes from what the framework exposes (see
 * `routeTemplate`); a request without one (plain `node:http`, or no route matched) keeps the
 * span name `{method}`, has no `http.route`, and is counted under `http_route="unmatched"`.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  propagation,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { UNMATCHED_ROUTE, spanAttributes as attr } from '../catalogue/index.ts';
import type { MetricsRegistry } from '../metrics/MetricsRegistry.ts';
import type { AsyncLocalContextManager } from '../tracing/AsyncLocalContextManager.ts';
import { FaultlineTracer } from '../tracing/FaultlineTracer.ts';
import { LINKED_ROOT_CONTEXT } from '../tracing/LinkedContext.ts';
import {
  normaliseMethod,
  routeTemplate,
  spanNameMethod,
  splitHostPort,
  splitTarget,
  type RoutedRequest,
} from './utils.ts';

const STATE = Symbol('faultline.httpServer');

interface RequestState {
  readonly startedAt: number;
  readonly method: string;
  readonly scheme: string;
  readonly span: Span | undefined;
  readonly owner: HttpServerInstrumentation;
}

type TrackedResponse = ServerResponse & { [STATE]?: RequestState };

interface RequestStartMessage {
  request: IncomingMessage;
  response: TrackedResponse;
  server: Server;
}

/** What the server instrumentation needs; `tracing` is absent when traces are off. */
export interface HttpServerInstrumentationOptions {
  readonly metrics: MetricsRegistry;
  readonly tracing:
    { readonly tracer: Tracer; readonly contextManager: AsyncLocalContextManager } | undefined;
  /** Servers whose requests are not instrumented (Faultline's own metrics endpoint). */
  readonly ignoredServers: ReadonlySet<Server>;
}

/**
 * The attributes a server span starts with. The object is written with literal keys, which V8
 * builds from one boilerplate; with computed keys (`[attr.urlPath]`) every property took a call
 * into the runtime and a map transition: 20k instructions of a traced request (callgrind), a
 * quarter of what tracing added to it.
 * This type keeps the literal keys the catalogue's names.
 */
interface ServerStartAttributes {
  [attr.httpRequestMethod]: string;
  [attr.urlPath]: string;
  [attr.urlScheme]: string;
  [attr.serverAddress]: string | undefined;
  [attr.serverPort]: number | undefined;
  [attr.clientAddress]: string | undefined;
  [attr.networkPeerAddress]: string | undefined;
  [attr.networkPeerPort]: number | undefined;
  [attr.networkProtocolVersion]: string;
  [attr.userAgent]: string | undefined;
}

/** Subscribes to `http.server.request.start` and records every request's span and duration. */
export class HttpServerInstrumentation {
  readonly #options: HttpServerInstrumentationOptions;
  readonly #duration;
  #tracing: HttpServerInstrumentationOptions['tracing'];
  #enabled = false;

  constructor(options: HttpServerInstrumentationOptions) {
    this.#options = options;
    this.#tracing = options.tracing;
    this.#duration = options.metrics.histogram('httpServerDuration');
  }

  /** Starts observing requests. */
  enable(): void {
    if (this.#enabled) return;
    diagnosticsChannel.subscribe('http.server.request.start', this.#onRequestStart);
    this.#enabled = true;
  }

  /** Stops creating spans (the app's own OpenTelemetry setup took over); metrics carry on. */
  dropTracing(): void {
    this.#tracing = undefined;
  }

  /** Stops observing requests (requests in flight still finish their span). */
  disable(): void {
    if (!this.#enabled) return;
    diagnosticsChannel.unsubscribe('http.server.request.start', this.#onRequestStart);
    this.#enabled = false;
  }

  readonly #onRequestStart = (message: unknown): void => {
    const { request, response, server } = message as RequestStartMessage;
    if (this.#options.ignoredServers.has(server)) return;
    const method = normaliseMethod(request.method);
    const startedAt = performance.now();
    const scheme = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const span = this.#startSpan(request, method, scheme, startedAt);
    response[STATE] = { startedAt, method, scheme, span, owner: this };
    // `on`, not `once`: a response closes once, and `once` allocates a wrapper per request.
    response.on('close', onResponseClose);
  };

  #startSpan(request: IncomingMessage, method: string, scheme: string, startedAt: number): Span | undefined {
    const tracing = this.#tracing;
    if (tracing === undefined) return undefined;
    // Most requests carry no context to continue; extracting would only cost time.
    const headers = request.headers;
    const parent =
      headers.traceparent === undefined && headers.baggage === undefined
        ? LINKED_ROOT_CONTEXT
        : propagation.extract(ROOT_CONTEXT, headers);
    const { path, query } = splitTarget(request.url ?? '/');
    const { address, port } = splitHostPort(headers.host);
    const socket = request.socket;
    const attributes: ServerStartAttributes & Attributes = {
      'http.request.method': method,
      'url.path': path,
      'url.scheme': scheme,
      'server.address': address,
      'server.port': port,
      'client.address': socket.remoteAddress,
      'network.peer.address': socket.remoteAddress,
      'network.peer.port': socket.remotePort,
      'network.protocol.version': request.httpVersion,
      'user_agent.original': headers['user-agent'],
    };
    let count = 10;
    if (query !== undefined) {
      attributes[attr.urlQuery] = query;
      count++;
    }
    if (request.method !== method && request.method !== undefined) {
      attributes[attr.httpRequestMethodOriginal] = request.method;
      count++;
    }
    const tracer = tracing.tracer;
    const span =
      tracer instanceof FaultlineTracer
        ? tracer.startOwnedSpan(spanNameMethod(method), SpanKind.SERVER, attributes, count, parent, startedAt)
        : tracer.startSpan(
            spanNameMethod(method),
            { kind: SpanKind.SERVER, attributes, startTime: startedAt },
            parent,
          );
    tracing.contextManager.enterWith(trace.setSpan(parent, span));
    return span;
  }

  /** @internal Records the end of a request; `response` is the closed response. */
  finish(response: TrackedResponse, state: RequestState): void {
    const endedAt = performance.now();
    const seconds = (endedAt - state.startedAt) / 1000;
    const route = routeTemplate(response.req as IncomingMessage & RoutedRequest);
    const status = response.statusCode;
    const aborted = !response.writableFinished;
    const span = state.span;
    const errorType = aborted ? 'aborted' : status >= 500 ? String(status) : undefined;
    const labels: Record<string, string> = {
      http_route: route ?? UNMATCHED_ROUTE,
      http_request_method: state.method,
      http_response_status_code: String(status),
      url_scheme: state.scheme,
    };
    if (errorType !== undefined) labels.error_type = errorType;
    if (span !== undefined) {
      // Without a template the span keeps its `{method}` name and has no `http.route`.
      if (route !== undefined) {
        span.updateName(`${spanNameMethod(state.method)} ${route}`);
        span.setAttribute(attr.httpRoute, route);
      }
      span.setAttribute(attr.httpResponseStatusCode, status);
      if (errorType !== undefined) {
        span.setAttribute(attr.errorType, errorType);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end(endedAt);
      const context = span.spanContext();
      if (context.traceFlags & 1) {
        this.#duration.observe({
          labels,
          value: seconds,
          exemplarLabels: { trace_id: context.traceId },
        } as never);
        return;
      }
    }
    this.#duration.observe({ labels, value: seconds } as never);
  }
}

/** The SERVER span of the request `response` answers, while it is open (for error handlers). */
export function serverSpanOf(response: object): Span | undefined {
  return (response as TrackedResponse)[STATE]?.span;
}

/** One shared listener (no closure per request): `this` is the response that closed. */
function onResponseClose(this: TrackedResponse): void {
  const state = this[STATE];
  if (state === undefined) return;
  this[STATE] = undefined;
  state.owner.finish(this, state);
}
