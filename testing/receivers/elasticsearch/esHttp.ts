/**
 * HTTP conventions of the Elasticsearch REST API that every route shares: the product header the
 * official client checks on each response, the accepted (compatible-with) media types, and the
 * strict rejection of unknown query parameters.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseMediaType } from '../shared/mediaType.ts';
import { sendJson } from '../shared/sendJson.ts';
import { EsRequestError, errorBody } from './esErrors.ts';

/** Headers on every answer; the client raises ProductNotSupportedError without the first. */
export const ES_HEADERS: Readonly<Record<string, string>> = { 'x-elastic-product': 'Elasticsearch' };

/** REST API compatibility versions a 9.x node accepts in `compatible-with`. */
const COMPATIBLE_WITH = new Set(['8', '9']);

/** Query parameters every Elasticsearch endpoint accepts. */
export const COMMON_QUERY_PARAMETERS = ['pretty', 'human', 'error_trace', 'filter_path', 'format'];

/** Sends an Elasticsearch JSON answer with the product header. */
export function sendEs(res: ServerResponse, status: number, body: unknown): void {
  sendJson(res, status, body, ES_HEADERS);
}

/** Sends an EsRequestError as Elasticsearch would. */
export function sendEsError(res: ServerResponse, error: EsRequestError): void {
  sendEs(res, error.status, errorBody(error.status, error.type, error.message));
}

/**
 * Checks the Content-Type against `plain` (e.g. `application/x-ndjson`) or its vendored form
 * (`application/vnd.elasticsearch+x-ndjson; compatible-with=9`).
 * Throws EsRequestError: 406 for another media type, 400 for an unsupported compatible-with.
 */
export function assertContentType(
  req: IncomingMessage,
  plain: 'application/json' | 'application/x-ndjson',
): void {
  const header = req.headers['content-type'];
  const media = parseMediaType(header);
  const vendored = plain.replace('application/', 'application/vnd.elasticsearch+');
  if (media?.essence === plain) return;
  if (media?.essence === vendored) {
    assertCompatibleWith(media.params['compatible-with']);
    return;
  }
  throw new EsRequestError(
    406,
    'media_type_header_exception',
    `Content-Type header [${header ?? ''}] is not supported`,
  );
}

/** Rejects a vendored Accept header asking for an API version this node does not serve. */
export function assertAccept(req: IncomingMessage): void {
  for (const part of (req.headers.accept ?? '').split(',')) {
    const media = parseMediaType(part);
    if (media?.essence.startsWith('application/vnd.elasticsearch+'))
      assertCompatibleWith(media.params['compatible-with']);
  }
}

function assertCompatibleWith(version: string | undefined): void {
  if (version === undefined || !COMPATIBLE_WITH.has(version)) {
    throw new EsRequestError(
      400,
      'media_type_header_exception',
      `Invalid media-type value on headers [Content-Type, Accept]: compatible-with=${version ?? '(missing)'} is not one of [8, 9]`,
    );
  }
}

/** Throws 400 illegal_argument_exception for a query parameter the endpoint does not know, as Elasticsearch does. */
export function assertQueryParameters(url: URL, allowed: readonly string[]): void {
  for (const name of url.searchParams.keys()) {
    if (!allowed.includes(name) && !COMMON_QUERY_PARAMETERS.includes(name)) {
      throw new EsRequestError(
        400,
        'illegal_argument_exception',
        `request [${url.pathname}] contains unrecognized parameter: [${name}]`,
      );
    }
  }
}
