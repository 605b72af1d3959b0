/**
 * Keeps a mysql2 pool's queued queries in their caller's trace. When every connection is busy,
 * `pool.query`, `pool.execute` and `pool.getConnection` queue their callback, and the pool calls
 * it from the callback of the query that releases a connection: in that other request's async
 * context (or the root context, for a connection opened at start-up). The contrib
 * instrumentation then starts the queued query's span there, under the wrong parent, and a
 * callback's own client calls follow it (or, with `requireParentSpan`, get no span). The
 * contrib patches only the connection (`query`/`execute`), so this binds the pool methods'
 * callbacks to their caller's context, once per pool class, when the app loads mysql2.
 */
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
/** The pool methods that may queue their callback (`query` and `execute` through `getConnection`). */
const METHODS = ['getConnection', 'query', 'execute'] as const;

type Method = (this: unknown, ...args: unknown[]) => unknown;

interface PoolClass {
  prototype: Partial<Record<(typeof METHODS)[number], Method>>;
}

/** Binds the callbacks of mysql2's `Pool` methods to their caller's context (see the module comment). */
export class Mysql2PoolInstrumentation extends InstrumentationBase {
  constructor() {
    super(`${INSTRUMENTATION_SCOPE.name}/mysql2-pool`, INSTRUMENTATION_SCOPE.version, {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const poolFile = new InstrumentationNodeModuleFile(
      'mysql2/lib/pool.js',
      VERSIONS,
      (Pool: PoolClass) => this.#patch(Pool),
      (Pool?: PoolClass) => this.#unpatch(Pool),
    );
    return [new InstrumentationNodeModuleDefinition('mysql2', VERSIONS, undefined, undefined, [poolFile])];
  }

  #patch(Pool: PoolClass): PoolClass {
    for (const name of METHODS) {
      const method = Pool.prototype[name];
      if (typeof method === 'function' && !isWrapped(method)) {
        this._wrap(Pool.prototype, name, () => bindCallbacks(method));
      }
    }
    return Pool;
  }

  #unpatch(Pool: PoolClass | undefined): void {
    if (Pool === undefined) return;
    for (const name of METHODS) {
      if (isWrapped(Pool.prototype[name])) this._unwrap(Pool.prototype, name);
    }
  }
}
