/**
 * The JSON errors of the demo's HTTP APIs. A client error names the field or the limit; a
 * server error names nothing but a correlation id (the request's trace id), under which the
 * full error is logged, so no database, driver or stack text ever reaches a client.
 */
import { randomBytes } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from './logger.ts';

/** The body of every error answer. */
export interface ErrorBody {
  /** Machine-readable kind, e.g. `invalid_body`, `payload_too_large`, `internal`. */
  error: string;
  /** The field, header or part of the request that is wrong (4xx). */
  field?: string;
  /** What is wrong and what is accepted (4xx), or what to do (503). */
  message?: string;
  /** The body limit that was exceeded (413). */
  limitBytes?: number;
  /** Correlation id of a 5xx: the trace id, under which the error is logged. */
  traceId?: string;
}

/** The active trace id, or a fresh random one when the request is not traced. */
export function correlationId(): string {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? context.traceId : randomBytes(16).toString('hex');
}

/** Answers 500 with only a correlation id, and logs `error` in full under it. */
export function answerInternal(res: Response, log: Logger, what: string, error: unknown): void {
  const traceId = correlationId();
  const { message, stack, code } = error instanceof Error ? (error as Error & { code?: unknown }) : {};
  log.error(what, { traceId, error: message ?? String(error), stack, code });
  res.status(500).json({ error: 'internal', traceId } satisfies ErrorBody);
}

/** Answers 503 with what to do and a correlation id, and logs `error` as a warning under it. */
export function answerUnavailable(res: Response, log: Logger, message: string, error: unknown): void {
  const traceId = correlationId();
  log.warn(message, { traceId, error: error instanceof Error ? error.message : String(error) });
  res
    .status(503)
    .set('retry-after', '1')
    .json({ error: 'unavailable', message, traceId } satisfies ErrorBody);
}

/** A 4xx answer for an error thrown by express or its body parser, if it is one. */
function clientError(error: HttpishError, limitBytes: number): [number, ErrorBody] | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return [
        413,
        {
          error: 'payload_too_large',
          field: 'body',
          limitBytes,
          message: `the body is larger than ${limitBytes} bytes`,
        },
      ];
    case 'parameters.too.many':
      return [413, { error: 'too_many_parameters', field: 'body', message: 'the form has too many fields' }];
    case 'entity.parse.failed':
      return [400, { error: 'invalid_json', field: 'body', message: 'the body is not valid JSON' }];
    case 'charset.unsupported':
      return [415, { error: 'unsupported_media_type', field: 'content-type', message: 'only utf-8 JSON' }];
    case 'encoding.unsupported':
      return [
        415,
        {
          error: 'unsupported_encoding',
          field: 'content-encoding',
          message: 'identity, gzip, deflate or br',
        },
      ];
    case 'request.size.invalid':
    case 'request.aborted':
      return [400, { error: 'invalid_body', field: 'body', message: 'the body ended before its length' }];
  }
  if (error instanceof URIError || /^Failed to decode param/.test(error.message))
    return [400, { error: 'invalid_path', field: 'path', message: 'the path is not valid percent-encoding' }];
  if (error.expose === true && error.status !== undefined && error.status >= 400 && error.status < 500)
    return [error.status, { error: 'bad_request', field: 'request', message: error.message }];
  return undefined;
}

type HttpishError = Error & { status?: number; type?: string; expose?: boolean };

/** Options of {@link jsonErrors}. */
export interface JsonErrorsOptions {
  log: Logger;
  /** The body parser's limit, named in a 413. */
  limitBytes: number;
  /** Answers errors the service knows (its dependencies down...); false lets them be a 500. */
  known?: (error: Error, res: Response) => boolean;
}

/**
 * The last middleware of an app: client errors of express and its body parser become 4xx
 * naming the part and the limit, `known` errors their own answer, anything else a 500.
 */
export function jsonErrors(options: JsonErrorsOptions): ErrorRequestHandler {
  return (error: HttpishError, _req, res, _next) => {
    if (res.headersSent) {
      // Too late for an answer: the client sees the connection end, the log has the error.
      options.log.error('request failed after its answer began', {
        traceId: correlationId(),
        error: error.message,
      });
      res.destroy();
      return;
    }
    const client = clientError(error, options.limitBytes);
    if (client) {
      res.status(client[0]).json(client[1]);
      return;
    }
    if (options.known?.(error, res)) return;
    answerInternal(res, options.log, 'request failed', error);
  };
}

/** A JSON 404 for any route the app does not have. */
export const unknownRoute: RequestHandler = (_req, res) => {
  res.status(404).json({ error: 'not_found', field: 'path', message: 'no such route' } satisfies ErrorBody);
};
