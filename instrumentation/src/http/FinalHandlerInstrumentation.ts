/**
 * An error a route handler throws (or passes to `next`) in express 4 or 5 ends in express's
 * default error handler, the `finalhandler` package, which answers 500 and logs the error to
 * stderr: nothing of it reached the trace. This wraps `finalhandler` at load time so the error
 * becomes an `exception` event (type, message and stack trace) on the request's SERVER span,
 * whose status the 500 already makes ERROR. Requests that end without an error pay one extra
 * function call.
 */
import type { Exception, Span } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import { serverSpanOf } from './HttpServerInstrumentation.ts';

type Done = (error?: unknown) => void;
type FinalHandler = (req: unknown, res: object, options?: unknown) => Done;

/**
 * Records `error` on `span` as an `exception` event. The status is left to the response: the
 * error handler answers 500 (ERROR) or the error's own 4xx status (not a server error).
 */
export function recordHandlerError(span: Span, error: unknown): void {
  if (error === null || error === undefined) return;
  span.recordException(
    typeof error === 'object' || typeof error === 'string' ? (error as Exception) : String(error),
  );
}

/** Wraps a `finalhandler` export so the errors it handles are recorded on the server span. */
export function wrapFinalHandler(original: FinalHandler): FinalHandler {
  return function finalhandler(this: unknown, req, res, options) {
    const done = original.call(this, req, res, options);
    return function (this: unknown, error?: unknown) {
      const span = error === undefined ? undefined : serverSpanOf(res);
      if (span !== undefined) recordHandlerError(span, error);
      done.call(this, error);
    };
  };
}

/** Records errors that reach express's default error handler (`finalhandler` 1.x and 2.x). */
export class FinalHandlerInstrumentation extends InstrumentationBase {
  constructor() {
    super(`${INSTRUMENTATION_SCOPE.name}/finalhandler`, INSTRUMENTATION_SCOPE.version, {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition('finalhandler', ['>=1.0.0 <3'], (exports: FinalHandler) =>
        wrapFinalHandler(exports),
      ),
    ];
  }
}
