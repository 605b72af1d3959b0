/**
 * `ContextManager.bind` for an EventEmitter, as the OpenTelemetry SDK's async-hooks context
 * managers do it: every listener added afterwards runs in the bound context, and removing the
 * original listener removes its bound wrapper. The emitter is patched once; binding it again
 * keeps the first context.
 */
import { EventEmitter } from 'node:events';
import type { Context } from '@opentelemetry/api';

type Listener = (...args: unknown[]) => unknown;
type BindFunction = (context: Context, listener: Listener) => Listener;
/** Bound wrappers of an emitter's listeners, by event. */
type PatchMap = Map<string | symbol, WeakMap<Listener, Listener>>;

const PATCHES = Symbol('faultline.boundListeners');
const ADD_METHODS = ['addListener', 'on', 'once', 'prependListener', 'prependOnceListener'] as const;
const REMOVE_METHODS = ['removeListener', 'off'] as const;

interface Patched {
  [PATCHES]?: PatchMap;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Binds `emitter`'s future listeners to `context` with `bind`; returns the emitter. */
export function bindEventEmitter<T extends EventEmitter>(
  context: Context,
  emitter: T,
  bind: BindFunction,
): T {
  const patched = emitter as T & Patched;
  if (patched[PATCHES] !== undefined) return emitter;
  const map: PatchMap = new Map();
  patched[PATCHES] = map;
  const methods = emitter as unknown as Record<string, Method>;
  let adding = false;
  for (const name of ADD_METHODS) {
    const original = methods[name]!;
    methods[name] = function (event, listener) {
      // `on` may be implemented with `addListener`: wrap the listener once.
      if (adding) return original.call(this, event, listener);
      const key = event as string | symbol;
      let listeners = map.get(key);
      if (listeners === undefined) map.set(key, (listeners = new WeakMap()));
      const bound = bind(context, listener as Listener);
      listeners.set(listener as Listener, bound);
      adding = true;
      try {
        return original.call(this, event, bound);
      } finally {
        adding = false;
      }
    };
  }
  for (const name of REMOVE_METHODS) {
    const original = methods[name]!;
    methods[name] = function (event, listener) {
      const bound = map.get(event as string | symbol)?.get(listener as Listener);
      return original.call(this, event, bound ?? listener);
    };
  }
  const removeAll = methods.removeAllListeners!;
  methods.removeAllListeners = function (...args) {
    if (args.length === 0) map.clear();
    else map.delete(args[0] as string | symbol);
    return removeAll.apply(this, args);
  };
  return emitter;
}

/** Whether `target` is an EventEmitter (what `bind` patches rather than wraps). */
export function isEventEmitter(target: unknown): target is EventEmitter {
  return target instanceof EventEmitter;
}
