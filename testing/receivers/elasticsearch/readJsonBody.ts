/** Reads the JSON body of a settings request (templates, policies) the way Elasticsearch checks it. */
import type { IncomingMessage } from 'node:http';
import { BodyReadError, readBody } from '../shared/readBody.ts';
import { EsRequestError } from './esErrors.ts';
import { assertContentType } from './esHttp.ts';

/**
 * Checks the JSON content type and parses the body.
 * Throws EsRequestError: 406 for another media type, 400 for a missing or unparsable body.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  assertContentType(req, 'application/json');
  const text = (await readOrThrow(req)).toString('utf8');
  if (text.trim() === '') throw new EsRequestError(400, 'parse_exception', 'request body is required');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EsRequestError(
      400,
      'x_content_parse_exception',
      `failed to parse request body: ${(error as Error).message}`,
    );
  }
}

/** Reads a body, translating BodyReadError into an Elasticsearch error. */
export async function readOrThrow(req: IncomingMessage): Promise<Buffer> {
  try {
    return await readBody(req);
  } catch (error) {
    if (error instanceof BodyReadError)
      throw new EsRequestError(error.status, 'parse_exception', error.message);
    throw error;
  }
}
