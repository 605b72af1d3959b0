/**
 * Wraps a method so the callbacks it is given run in the context of its caller. A pool that
 * queues a waiting caller's callback calls it later from whatever released a connection — the
 * callback of another request's query — so without this the callback, and every span it
 * starts, would belong to that other request's trace.
 */
import { context } from '@opentelemetry/api';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Returns `original` with each function argument bound to the context active at the call. */
export function bindCallbacks<M extends Method>(original: M): M {
  return function (this: unknown, ...args: unknown[]) {
    const active = context.active();
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (typeof arg === 'function') args[i] = context.bind(active, arg);
    }
    return original.apply(this, args);
  } as M;
}
