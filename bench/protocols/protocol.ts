/**
 * What the bench's sink needs from each agent protocol it accepts: which requests are that
 * protocol's, how the agent's collector would answer them, and how to read spans out of a kept
 * body afterwards. One file per protocol beside this one; adding an agent protocol is adding a
 * file and listing it in sink.ts.
 */
import type { SpanRecord } from '../traceShape.ts';

/** The wire protocols the sink accepts. */
export type ProtocolId = 'otlp' | 'datadog' | 'elastic-apm' | 'sentry';

/** What a request to the sink carried, for the traffic counts. */
export type Signal = 'traces' | 'metrics' | 'logs' | 'other';

/** A request as the sink saw it (body not yet decompressed). */
export interface Received {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly contentType: string | undefined;
}

/** How the sink answers one request, and whether it keeps the body for span counting. */
export interface Route {
  readonly signal: Signal;
  /** Keep the body: it carries spans this protocol's decoder reads. */
  readonly keep: boolean;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** One agent protocol. */
export interface Protocol {
  readonly id: ProtocolId;
  /** The answer to `request`, or undefined when the request is not this protocol's. */
  route(request: Received): Route | undefined;
  /** The spans in a kept (decompressed) body. Throws on a body that is not this protocol's. */
  decode(body: Buffer, request: Received): SpanRecord[];
}

/** A JSON answer. */
export function json(status: number, value: unknown, signal: Signal, keep = false): Route {
  return {
    signal,
    keep,
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  };
}

/** The path part of a URL (absolute or not), or undefined when there is none. */
export function pathOf(url: unknown): string | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  try {
    return new URL(url, 'http://sink.invalid').pathname;
  } catch {
    return undefined;
  }
}
