/**
 * Hapi routes a request after it has started and exposes the result as `request.route.path`
 * (`/users/{id}`) on its own request object, which the raw request does not point back to. This
 * patches `Request.generate` (`@hapi/hapi/lib/request.js`) to leave hapi's request on the raw
 * one ({@link HAPI_REQUEST}); the server instrumentation reads its route when the response
 * closes. Handlers, extensions and the router are not wrapped.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { INSTRUMENTATION_SCOPE } from '../../runtime.ts';
import { HAPI_REQUEST } from '../utils.ts';

type Generate = (this: unknown, server: unknown, req: Record<symbol, unknown>, ...rest: unknown[]) => unknown;
interface HapiRequestClass {
  generate: Generate;
}

/** Leaves hapi's request on each raw request so its route can be read at the end. */
export class HapiRouteInstrumentation extends InstrumentationBase {
  constructor() {
    super(`${INSTRUMENTATION_SCOPE.name}/hapi-routes`, INSTRUMENTATION_SCOPE.version, {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition('@hapi/hapi', ['>=20.0.0 <22'], undefined, undefined, [
        new InstrumentationNodeModuleFile(
          '@hapi/hapi/lib/request.js',
          ['>=20.0.0 <22'],
          (Request: HapiRequestClass) => {
            this._wrap(
              Request,
              'generate',
              (original: Generate) =>
                function generate(this: unknown, server, req, ...rest) {
                  const request = original.call(this, server, req, ...rest);
                  req[HAPI_REQUEST] = request;
                  return request;
                },
            );
            return Request;
          },
          (Request: HapiRequestClass | undefined) => {
            if (Request) this._unwrap(Request, 'generate');
          },
        ),
      ]),
    ];
  }
}
