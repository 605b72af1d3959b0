/**
 * Express mounts sub-routers with `app.use('/users/:userId/posts', router)`; inside them
 * `req.baseUrl` is the concrete path (`/users/42/posts`), not its template. This patches the
 * router's `use` at set-up time (the `router` package's for express 5, `express/lib/router` for
 * express 4) so that a request passing through a mounted handler
 * records the mount's template on the request ({@link MOUNT_TEMPLATE}), restored when the handler
 * passes the request on. Plain middleware (`app.use(fn)`) and error handlers are not wrapped,
 * so an app without mounted paths pays nothing per request.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../../runtime.ts';
import { MOUNT_TEMPLATE, describeRoutePath, joinRoute } from '../utils.ts';

type Next = (error?: unknown) => void;
type Handler = (req: Record<symbol, string | undefined>, res: unknown, next: Next) => unknown;
type Use = (this: unknown, ...args: unknown[]) => unknown;
interface RouterModule {
  prototype: { use: Use };
}
/** Express 4's router module: the prototype routers inherit from, `use` included. */
interface Express4RouterProto {
  use: Use;
}

/** Wraps `handler` so requests it handles carry the mount template. */
export function withMountTemplate(handler: Handler, template: string): Handler {
  return function mounted(this: unknown, req, res, next) {
    const previous = req[MOUNT_TEMPLATE];
    req[MOUNT_TEMPLATE] = joinRoute(previous ?? '', template);
    return handler.call(this, req, res, (error?: unknown) => {
      req[MOUNT_TEMPLATE] = previous;
      next(error);
    });
  };
}

/** Splits `use`'s arguments as the router does: an optional path, then handlers. */
export function mountArguments(args: unknown[]): { path: unknown; handlers: unknown[] } | undefined {
  let first = args[0];
  while (Array.isArray(first) && first.length > 0) first = first[0];
  if (typeof first === 'function') return undefined;
  return { path: args[0], handlers: args.slice(1) };
}

/** Records mount templates of express 5 routers (the `router` package, 2.x) and express 4's. */
export class ExpressMountInstrumentation extends InstrumentationBase {
  constructor() {
    super(`${INSTRUMENTATION_SCOPE.name}/router-mounts`, INSTRUMENTATION_SCOPE.version, {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'router',
        ['>=2.0.0 <3'],
        (exports: RouterModule) => {
          this._wrap(exports.prototype, 'use', (original: Use) => patchUse(original));
          return exports;
        },
        (exports: RouterModule | undefined) => {
          if (exports) this._unwrap(exports.prototype, 'use');
        },
      ),
      new InstrumentationNodeModuleDefinition('express', ['>=4.0.0 <5'], undefined, undefined, [
        new InstrumentationNodeModuleFile(
          'express/lib/router/index.js',
          ['>=4.0.0 <5'],
          (proto: Express4RouterProto) => {
            this._wrap(proto, 'use', (original: Use) => patchUse(original));
            return proto;
          },
          (proto: Express4RouterProto | undefined) => {
            if (proto) this._unwrap(proto, 'use');
          },
        ),
      ]),
    ];
  }
}

function patchUse(original: Use): Use {
  return function use(this: unknown, ...args: unknown[]) {
    const mount = mountArguments(args);
    const template = mount && describeRoutePath(mount.path);
    if (!mount || template === undefined || template === '/') return original.apply(this, args);
    const handlers = mount.handlers
      .flat(Infinity)
      .map((handler) =>
        typeof handler === 'function' && handler.length < 4
          ? withMountTemplate(handler as Handler, template)
          : handler,
      );
    return original.call(this, mount.path, ...handlers);
  };
}
