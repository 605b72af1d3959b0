/** Turns an HTTP body of either OTLP encoding into validated, normalised spans. */
import protobuf from 'protobufjs';
import { decodeTraceJson } from './decodeTraceJson.ts';
import { decodeTraceProtobuf } from './decodeTraceProtobuf.ts';
import { InvalidOtlpPayloadError } from './InvalidOtlpPayloadError.ts';
import { normaliseSpans, type NormalisedSpan } from './normaliseSpans.ts';
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

/** Spans an answer says were refused, and why (`ExportTracePartialSuccess`). */
export interface PartialSuccess {
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}

/** The body of a 200 answer: an empty ExportTraceServiceResponse in the request's encoding. */
export function emptyExportResponse(encoding: OtlpEncoding): Buffer {
  return exportResponse(encoding, undefined);
}

/**
 * The body of a 200 answer in the request's encoding, with `partial_success` (field 1:
 * `rejected_spans` = 1, `error_message` = 2) when given.
 */
export function exportResponse(encoding: OtlpEncoding, partial: PartialSuccess | undefined): Buffer {
  if (encoding === 'json') {
    if (partial === undefined) return Buffer.from('{}');
    const { rejectedSpans, errorMessage } = partial;
    return Buffer.from(
      JSON.stringify({ partialSuccess: { rejectedSpans: String(rejectedSpans), errorMessage } }),
    );
  }
  const writer = protobuf.Writer.create();
  if (partial !== undefined) {
    writer.uint32((1 << 3) | 2).fork();
    writer.uint32((1 << 3) | 0).int64(partial.rejectedSpans);
    writer.uint32((2 << 3) | 2).string(partial.errorMessage);
    writer.ldelim();
  }
  return Buffer.from(writer.finish());
}

function utf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new InvalidOtlpPayloadError('', 'JSON body is not valid UTF-8');
  }
}
