/**
 * Fastify announces every instance it creates on the `fastify.initialization` diagnostics
 * channel. Faultline adds one root `onRequest` hook to it, which records the matched route's
 * template (`request.routeOptions.url`) on the raw request, where the server instrumentation
 * reads it when the response closes. Nothing is patched and fastify is never loaded by
 * Faultline: an app without fastify only carries one channel subscription. A hook at the root
 * runs for every route, those of encapsulated plugins and NestJS's fastify adapter included,
 * and for requests a later hook answers (a 401 from an auth hook keeps its route).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { ROUTE_TEMPLATE } from '../utils.ts';

const INITIALIZATION = 'fastify.initialization';

interface FastifyRequest {
  readonly raw: { [ROUTE_TEMPLATE]?: string | undefined };
  readonly routeOptions?: { readonly url?: string | undefined };
}
interface FastifyInstance {
  addHook(name: 'onRequest', hook: (request: FastifyRequest, reply: unknown, done: () => void) => void): void;
}

/** Records the template of each request's route; `undefined` (404) leaves the request unmatched. */
function recordRoute(request: FastifyRequest, _reply: unknown, done: () => void): void {
  request.raw[ROUTE_TEMPLATE] = request.routeOptions?.url;
  done();
}

function onInitialization(message: unknown): void {
  (message as { fastify: FastifyInstance }).fastify.addHook('onRequest', recordRoute);
}

/** Starts recording fastify route templates; returns the function that stops it. */
export function observeFastifyRoutes(): () => void {
  diagnosticsChannel.subscribe(INITIALIZATION, onInitialization);
  return () => diagnosticsChannel.unsubscribe(INITIALIZATION, onInitialization);
}
