/**
 * Koa's router decides a request's route after the request has started, and records it on the
 * koa context (`ctx._matchedRoute`, set by @koa/router), which the raw request does not point
 * back to. This patches `Application.prototype.createContext` to leave the context on the raw
 * request ({@link KOA_CONTEXT}); the server instrumentation reads its matched route when the
 * response closes. Handlers and middleware are not wrapped.
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../../runtime.ts';
import { KOA_CONTEXT } from '../utils.ts';

type CreateContext = (this: unknown, req: Record<symbol, unknown>, res: unknown) => unknown;
interface KoaApplication {
  prototype: { createContext: CreateContext };
}
/** `require('koa')` is the class; `import` (through the ESM hook) gives its namespace. */
type KoaModule = KoaApplication | { default: KoaApplication };

function applicationOf(exports: KoaModule): KoaApplication {
  return 'prototype' in exports && typeof exports.prototype?.createContext === 'function'
    ? exports
    : (exports as { default: KoaApplication }).default;
}

/** Leaves koa's context on each raw request so its matched route can be read at the end. */
export class KoaRouteInstrumentation extends InstrumentationBase {
  constructor() {
    super(`${INSTRUMENTATION_SCOPE.name}/koa-routes`, INSTRUMENTATION_SCOPE.version, {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'koa',
        ['>=2.0.0 <4'],
        (exports: KoaModule) => {
          const prototype = applicationOf(exports).prototype;
          this._wrap(
            prototype,
            'createContext',
            (original: CreateContext) =>
              function createContext(this: unknown, req, res) {
                const context = original.call(this, req, res);
                req[KOA_CONTEXT] = context;
                return context;
              },
          );
          return exports;
        },
        (exports: KoaModule | undefined) => {
          if (exports) this._unwrap(applicationOf(exports).prototype, 'createContext');
        },
      ),
    ];
  }
}
