/** Turns an HTTP body of either OTLP encoding into validated, normalised spans. */
import { decodeTraceJson } from './decodeTraceJson.ts';
import { decodeTraceProtobuf } from './decodeTraceProtobuf.ts';
import { InvalidOtlpPayloadError } from './InvalidOtlpPayloadError.ts';
import { normaliseSpans, type NormalisedSpan } from './normaliseSpans.ts';
import { loadTraceSchema } from './otlpProto.ts';
import { validateTraceRequest } from './validateTraceRequest.ts';

/** The two encodings of OTLP/HTTP, named after their content types. */
export type OtlpEncoding = 'protobuf' | 'json';

/** Media type of each encoding, as sent in Content-Type. */
export const OTLP_MEDIA_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The encoding a media type essence selects, or undefined for anything else (answered with 415). */
export function encodingOf(essence: string | undefined): OtlpEncoding | undefined {
  if (essence === OTLP_MEDIA_TYPES.protobuf) return 'protobuf';
  if (essence === OTLP_MEDIA_TYPES.json) return 'json';
  return undefined;
}

/**
 * Decodes, validates and normalises one export request body.
 * Throws InvalidOtlpPayloadError for anything the receiver must answer with 400.
 */
export function decodeTraceExport(body: Buffer, encoding: OtlpEncoding): NormalisedSpan[] {
  const request = encoding === 'protobuf' ? decodeTraceProtobuf(body) : decodeTraceJson(utf8(body));
  validateTraceRequest(request);
  return normaliseSpans(request);
}

/** The body of a 200 answer: an empty ExportTraceServiceResponse in the request's encoding. */
export function emptyExportResponse(encoding: OtlpEncoding): Buffer {
  if (encoding === 'json') return Buffer.from('{}');
  const { response } = loadTraceSchema();
  return Buffer.from(response.encode(response.create({})).finish());
}

function utf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new InvalidOtlpPayloadError('', 'JSON body is not valid UTF-8');
  }
}
