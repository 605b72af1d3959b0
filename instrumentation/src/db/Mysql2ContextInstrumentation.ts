/**
 * Keeps mysql2's callbacks in their caller's trace. mysql2 calls them from places that carry
 * another async context:
 * - a pool with every connection busy queues `getConnection`'s callback (and so `query`'s and
 *   `execute`'s, which go through it) and calls it from the callback of the query that releases
 *   a connection: in that other request's context, or the root context for a connection opened
 *   at start-up. The contrib instrumentation then starts the queued query's span there.
 * - a connection calls a command's callback (`onResult`) from its socket's `data` events, in the
 *   context of whoever opened the connection, so what the callback does next (a Redis read, say)
 *   joins that request's trace, or gets no span under `requireParentSpan`.
 * The contrib patches only the connection's `query` and `execute` (to start spans), so this
 * binds `Pool#getConnection`'s callback, and each command's callback as the connection queues
 * it (`addCommand`, which every query, execute and prepare goes through synchronously), to the
 * context active at the call, when the app loads mysql2: once per class (a method already
 * wrapped, by this or another shimmer-based instrumentation, is left as it is).
 */
import { context } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../runtime.ts';
import { bindCallbacks } from '../tracing/bindCallbacks.ts';

/** The versions the mysql2 contrib instrumentation supports. */
const VERSIONS = ['>=1.4.2 <4'];

type Method = (this: unknown, ...args: unknown[]) => unknown;
type Class<K extends string> = { prototype: Record<K, Method | undefined> };
/** A mysql2 command (Query, Execute, Prepare, ...): its callback, when it was given one. */
interface Command {
  onResult?: unknown;
}

/** `addCommand` with the command's callback bound to the context active when it is queued. */
function bindingCommandCallback(addCommand: Method): Method {
  return function (this: unknown, command: unknown, ...rest: unknown[]) {
    const cmd = command as Command | undefined;
    if (typeof cmd?.onResult === 'function') cmd.onResult = context.bind(context.active(), cmd.onResult);
    return addCommand.call(this, command, ...rest);
  };
}

/** Binds mysql2's pool and command callbacks to their caller's context (see the module comment). */
export class Mysql2ContextInstrumentation extends InstrumentationBase {
  constructor() {
    super(`${INSTRUMENTATION_SCOPE.name}/mysql2-context`, INSTRUMENTATION_SCOPE.version, {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const files = [
      this.fileHook('mysql2/lib/pool.js', 'getConnection', bindCallbacks),
      this.fileHook('mysql2/lib/connection.js', 'addCommand', bindingCommandCallback),
    ];
    return [new InstrumentationNodeModuleDefinition('mysql2', VERSIONS, undefined, undefined, files)];
  }

  /**
   * Wraps method `name` of the class that internal file `file` exports with `wrap`. (Not a `#`
   * method: `init` runs inside the base class's constructor, before those exist.)
   */
  private fileHook<K extends string>(
    file: string,
    name: K,
    wrap: (original: Method) => Method,
  ): InstrumentationNodeModuleFile {
    const patch = (exported: Class<K>): Class<K> => {
      const method = exported.prototype[name];
      if (typeof method === 'function' && !isWrapped(method)) {
        this._wrap(exported.prototype, name, () => wrap(method));
      }
      return exported;
    };
    const unpatch = (exported?: Class<K>): void => {
      if (exported !== undefined && isWrapped(exported.prototype[name])) {
        this._unwrap(exported.prototype, name);
      }
    };
    return new InstrumentationNodeModuleFile(file, VERSIONS, patch, unpatch);
  }
}
