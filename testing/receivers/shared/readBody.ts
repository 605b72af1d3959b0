/**
 * Reads a request body into memory, undoing `Content-Encoding: gzip` (both OTLP exporters and
 * the Elasticsearch client can compress). Receivers only see test traffic, so a size cap is
 * enough protection.
 */
import type { IncomingMessage } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';

/** The body was unusable before any protocol looked at it; `status` is the HTTP answer. */
export class BodyReadError extends Error {
  readonly status: 413 | 415 | 400;
  constructor(status: 413 | 415 | 400, message: string) {
    super(message);
    this.name = 'BodyReadError';
    this.status = status;
  }
}

const DEFAULT_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Collects the raw body and decompresses it.
 * Throws BodyReadError: 413 past `limitBytes`, 415 for an unknown content-encoding,
 * 400 when the compressed stream is corrupt.
 */
export async function readBody(req: IncomingMessage, limitBytes = DEFAULT_LIMIT_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new BodyReadError(413, `body exceeds ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return decode(Buffer.concat(chunks), req.headers['content-encoding']);
}

function decode(raw: Buffer, encoding: string | undefined): Buffer {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  try {
    if (name === 'identity' || name === '') return raw;
    if (name === 'gzip') return gunzipSync(raw);
    if (name === 'deflate') return inflateSync(raw);
  } catch (error) {
    throw new BodyReadError(400, `cannot decompress ${name} body: ${(error as Error).message}`);
  }
  throw new BodyReadError(415, `unsupported content-encoding "${encoding}"`);
}
