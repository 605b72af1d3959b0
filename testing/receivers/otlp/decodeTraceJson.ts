/**
 * Strict OTLP/JSON decoding of `ExportTraceServiceRequest`, driven by the official schema's
 * reflection so every field is checked against its declared protobuf type.
 *
 * Unknown keys: the top level must contain only `resourceSpans` (anything else is rejected), and
 * the original snake_case spelling of a known field is rejected everywhere (OTLP/JSON requires
 * lowerCamelCase). Other unknown nested keys are skipped, as the OTLP spec tells receivers to do
 * with fields newer than their schema (the pinned opentelemetry-proto release, see otlpProto.ts);
 * every field that schema declares (`flags`, scope `attributes`, the dropped counts included) is
 * type-checked.
 */
import protobuf from 'protobufjs';
import type { DecodedTraceRequest } from './decodedTypes.ts';
import { InvalidOtlpPayloadError } from './InvalidOtlpPayloadError.ts';
import { decodeJsonEnum, decodeJsonScalar } from './jsonScalars.ts';
import { loadTraceSchema } from './otlpProto.ts';

const MAX_DEPTH = 64;

/**
 * Parses an OTLP/JSON body into the shared decoded shape.
 * Throws InvalidOtlpPayloadError for invalid JSON, wrong types, base64 ids, symbolic enums,
 * unknown top-level keys and snake_case field names.
 */
export function decodeTraceJson(text: string): DecodedTraceRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, keepLargeIntegersExact as Parameters<typeof JSON.parse>[1]);
  } catch (error) {
    throw new InvalidOtlpPayloadError('', `body is not valid JSON: ${(error as Error).message}`);
  }
  const { request } = loadTraceSchema();
  return decodeMessage(parsed, request, '', { depth: 0, rejectUnknown: true });
}

/**
 * OTLP/JSON allows 64-bit integers as JSON numbers, which a plain JSON.parse would round past
 * 2^53. The reviver's source-text access (Node 22+) recovers the exact digits as a bigint.
 */
function keepLargeIntegersExact(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && /^-?(0|[1-9][0-9]*)$/.test(source) ? BigInt(source) : value;
}

interface Walk {
  depth: number;
  rejectUnknown: boolean;
}

function decodeMessage(
  value: unknown,
  type: protobuf.Type,
  path: string,
  walk: Walk,
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOtlpPayloadError(path, `expected a JSON object for ${type.name}`);
  }
  if (walk.depth > MAX_DEPTH) throw new InvalidOtlpPayloadError(path, `nesting deeper than ${MAX_DEPTH}`);
  const out: Record<string, unknown> = {};
  const oneofsSeen = new Map<string, string>();
  for (const [key, raw] of Object.entries(value)) {
    const fieldPath = path === '' ? key : `${path}.${key}`;
    const field = type.fields[key];
    if (field === undefined) {
      checkUnknownKey(type, key, fieldPath, walk);
      continue;
    }
    if (raw === null) continue; // protobuf JSON: null means "default value"
    checkOneof(field, oneofsSeen, fieldPath);
    out[key] = decodeField(raw, field, fieldPath, { depth: walk.depth + 1, rejectUnknown: false });
  }
  return out;
}

function checkUnknownKey(type: protobuf.Type, key: string, path: string, walk: Walk): void {
  const camel = key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  if (camel !== key && type.fields[camel] !== undefined) {
    throw new InvalidOtlpPayloadError(path, `OTLP/JSON field names are lowerCamelCase: use "${camel}"`);
  }
  if (walk.rejectUnknown) throw new InvalidOtlpPayloadError(path, `unknown field "${key}" in ${type.name}`);
}

function checkOneof(field: protobuf.Field, seen: Map<string, string>, path: string): void {
  if (field.partOf === null) return;
  const other = seen.get(field.partOf.name);
  if (other !== undefined) {
    throw new InvalidOtlpPayloadError(
      path,
      `only one of oneof "${field.partOf.name}" may be set (also "${other}")`,
    );
  }
  seen.set(field.partOf.name, field.name);
}

function decodeField(raw: unknown, field: protobuf.Field, path: string, walk: Walk): unknown {
  if (!field.repeated) return decodeSingle(raw, field, path, walk);
  if (!Array.isArray(raw)) throw new InvalidOtlpPayloadError(path, 'expected a JSON array');
  return raw.map((item, index) => {
    if (item === null)
      throw new InvalidOtlpPayloadError(`${path}[${index}]`, 'null is not allowed in an array');
    return decodeSingle(item, field, `${path}[${index}]`, walk);
  });
}

function decodeSingle(raw: unknown, field: protobuf.Field, path: string, walk: Walk): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return decodeJsonEnum(raw, path);
  if (resolved instanceof protobuf.Type) return decodeMessage(raw, resolved, path, walk);
  return decodeJsonScalar(raw, field.type, field.name, path);
}
