/**
 * Pure helpers for HTTP instrumentation: method normalisation and route templates, as the
 * OpenTelemetry HTTP semantic conventions define them. No I/O, so they are tested directly.
 */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** The method as a bounded label value: known methods as they are, anything else `_OTHER`. */
export function normaliseMethod(method: string | undefined): string {
  if (method === undefined) return '_OTHER';
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

/** The route template of an express route's `path` (a string, a RegExp or an array of them). */
export function describeRoutePath(path: unknown): string | undefined {
  if (typeof path === 'string') return path;
  if (path instanceof RegExp) return path.toString();
  if (Array.isArray(path)) return path.map((part) => describeRoutePath(part) ?? '').join('|');
  return undefined;
}

/** Joins a mount template and a route path without doubling or losing the slash between them. */
export function joinRoute(mount: string, path: string): string {
  if (mount === '' || mount === '/') return path;
  if (path === '/' || path === '') return mount;
  return `${mount.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * The request properties read at the end of a request: express's `route` and `baseUrl`, and what
 * the framework integrations record (see {@link ROUTE_TEMPLATE}, {@link MOUNT_TEMPLATE},
 * {@link KOA_CONTEXT} and {@link HAPI_REQUEST}).
 */
export interface RoutedRequest {
  route?: { path?: unknown } | undefined;
  baseUrl?: string | undefined;
  [ROUTE_TEMPLATE]?: string | undefined;
  [MOUNT_TEMPLATE]?: string | undefined;
  [KOA_CONTEXT]?: { _matchedRoute?: unknown } | undefined;
  [HAPI_REQUEST]?: { route?: { path?: unknown; method?: unknown } } | undefined;
}

/**
 * The route template of a finished request, or `undefined` when no route matched or the server
 * has no notion of routes (plain `node:http`). Each framework is read where it exposes the
 * template: fastify's `routeOptions.url` (recorded at `onRequest`), @koa/router's
 * `ctx._matchedRoute`, hapi's `request.route.path` (its not-found route excluded) and express's
 * matched `req.route` under its mount template.
 */
export function routeTemplate(request: RoutedRequest): string | undefined {
  const recorded = request[ROUTE_TEMPLATE];
  if (recorded !== undefined) return recorded;
  const koa = request[KOA_CONTEXT];
  if (koa !== undefined) return describeRoutePath(koa._matchedRoute);
  const hapi = request[HAPI_REQUEST];
  if (hapi !== undefined) {
    return hapi.route?.method === '_special' ? undefined : describeRoutePath(hapi.route?.path);
  }
  const path = describeRoutePath(request.route?.path);
  if (path === undefined) return undefined;
  const mount = request[MOUNT_TEMPLATE] ?? staticBaseUrl(request.baseUrl);
  return joinRoute(mount, path);
}

/**
 * `req.baseUrl` is the concrete mount path; it is a template only when it has no parameters.
 * Mount paths are static in most apps; a concrete path that looks like it carries an id is
 * replaced by a placeholder so an id never becomes a label value.
 */
function staticBaseUrl(baseUrl: string | undefined): string {
  if (baseUrl === undefined || baseUrl === '') return '';
  return baseUrl
    .split('/')
    .map((segment) => (looksLikeId(segment) ? ':param' : segment))
    .join('/');
}

function looksLikeId(segment: string): boolean {
  return /^\d+$/.test(segment) || /^[0-9a-f-]{16,}$/i.test(segment) || segment.length > 32;
}

/** Request property where the express integration records the template of the mount path. */
export const MOUNT_TEMPLATE = Symbol.for('faultline.mountTemplate');
/** Request property where an integration that knows the template early records it (fastify). */
export const ROUTE_TEMPLATE = Symbol.for('faultline.routeTemplate');
/** Request property holding koa's context, whose router sets `_matchedRoute` after the start. */
export const KOA_CONTEXT = Symbol.for('faultline.koaContext');
/** Request property holding hapi's request, whose `route` is set once hapi has routed it. */
export const HAPI_REQUEST = Symbol.for('faultline.hapiRequest');

/** Address and port of a `Host` header. */
export interface HostPort {
  readonly address: string | undefined;
  readonly port: number | undefined;
}

const NO_HOST: HostPort = Object.freeze({ address: undefined, port: undefined });
/** Hosts a service is called by are few; every request would otherwise run the regex again. */
const hostCache = new Map<string, HostPort>();
const HOST_CACHE_LIMIT = 256;

/** Splits a `Host` header (or `host:port` string) into address and port. */
export function splitHostPort(host: string | undefined): HostPort {
  if (host === undefined || host === '') return NO_HOST;
  const known = hostCache.get(host);
  if (known !== undefined) return known;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  const split: HostPort = Object.freeze(
    match
      ? { address: match[1], port: match[2] === undefined ? undefined : Number(match[2]) }
      : { address: host, port: undefined },
  );
  if (hostCache.size >= HOST_CACHE_LIMIT) hostCache.clear();
  hostCache.set(host, split);
  return split;
}

/**
 * The method part of an HTTP span name: `HTTP` for a method the conventions do not know (its
 * `http.request.method` is `_OTHER`, which would say nothing in a name).
 */
export function spanNameMethod(method: string): string {
  return method === '_OTHER' ? 'HTTP' : method;
}

/**
 * Query parameters whose values are credentials (presigned URLs), as the HTTP semantic
 * conventions list them and the OpenTelemetry HTTP instrumentation redacts them.
 */
export const SENSITIVE_QUERY_PARAMETERS: readonly string[] = [
  'sig',
  'Signature',
  'AWSAccessKeyId',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
];

/** Value a sensitive query parameter is replaced with. */
export const REDACTED_QUERY_VALUE = 'REDACTED';

/**
 * `url.query`: the query string (without `?`) with the values of
 * {@link SENSITIVE_QUERY_PARAMETERS} replaced, serialised as `URLSearchParams` does (what the
 * SDK's HTTP instrumentation reports).
 */
export function redactQuery(query: string): string {
  const params = new URLSearchParams(query);
  for (const name of SENSITIVE_QUERY_PARAMETERS) {
    if (params.has(name)) params.set(name, REDACTED_QUERY_VALUE);
  }
  return params.toString();
}

/** Splits a request target into path and `url.query` (undefined when there is no query). */
export function splitTarget(target: string): { readonly path: string; readonly query: string | undefined } {
  const at = target.indexOf('?');
  if (at === -1) return { path: target, query: undefined };
  const query = target.slice(at + 1);
  return { path: target.slice(0, at), query: query === '' ? undefined : redactQuery(query) };
}
