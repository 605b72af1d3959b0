/** Decodes a binary `ExportTraceServiceRequest` with the official schema. */
import type { DecodedTraceRequest } from './decodedTypes.ts';
import { InvalidOtlpPayloadError } from './InvalidOtlpPayloadError.ts';
import { loadTraceSchema } from './otlpProto.ts';

/**
 * Parses protobuf bytes into the shared decoded shape. Fields newer than the pinned schema are
 * skipped by protobufjs, as protobuf requires of a
 * reader; truncated or malformed wire data, and invalid UTF-8 in strings, throw
 * InvalidOtlpPayloadError.
 */
export function decodeTraceProtobuf(body: Uint8Array): DecodedTraceRequest {
  const { request } = loadTraceSchema();
  let message;
  try {
    message = request.decode(body);
  } catch (error) {
    throw new InvalidOtlpPayloadError(
      '',
      `invalid protobuf ExportTraceServiceRequest: ${(error as Error).message}`,
    );
  }
  return request.toObject(message, { longs: String, enums: Number, defaults: false, arrays: false });
}
