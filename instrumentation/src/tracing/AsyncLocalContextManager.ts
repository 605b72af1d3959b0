/**
 * An OpenTelemetry context manager on `AsyncLocalStorage` that can also *enter* a context for
 * the rest of the current synchronous execution. Node's `http.server.request.start` diagnostics
 * channel fires just before the server emits `request`; entering the server span's context
 * there makes it active for the app's handler without wrapping the handler, the server or the
 * framework — which is what keeps Faultline's per-request cost small.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
import { bindEventEmitter, isEventEmitter } from './bindEventEmitter.ts';

/** AsyncLocalStorage-backed context manager with `enterWith`. */
export class AsyncLocalContextManager implements ContextManager {
  #storage = new AsyncLocalStorage<Context>();

  /** The context of the current execution, or the root context. */
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  /** Runs `fn` with `context` active. */
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(context, () => fn.apply(thisArg, args));
  }

  /** Makes `context` active for the rest of this synchronous execution and what it schedules. */
  enterWith(context: Context): void {
    this.#storage.enterWith(context);
  }

  /**
   * Binds a function to `context`, or an EventEmitter's listeners added from now on (as the SDK's
   * context managers do); other targets are returned unchanged.
   */
  bind<T>(context: Context, target: T): T {
    if (isEventEmitter(target)) {
      return bindEventEmitter(context, target, (bound, listener) => this.bind(bound, listener)) as T;
    }
    if (typeof target !== 'function') return target;
    const storage = this.#storage;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    const bound = function (this: unknown, ...args: unknown[]) {
      return storage.run(context, () => fn.apply(this, args));
    };
    Object.defineProperty(bound, 'length', { value: fn.length });
    return bound as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    this.#storage = new AsyncLocalStorage<Context>();
    return this;
  }
}
