/**
 * OTLP/JSON scalar rules (the protobuf JSON mapping as tightened by the OTLP specification):
 * 64-bit integers as decimal strings or numbers, trace and span ids as hex (never base64),
 * other bytes as base64, enums as integers only.
 */
import { InvalidOtlpPayloadError } from './InvalidOtlpPayloadError.ts';

/** Bytes fields that OTLP/JSON encodes as hex instead of the protobuf JSON default, base64. */
export const HEX_ID_FIELDS: ReadonlySet<string> = new Set(['traceId', 'spanId', 'parentSpanId']);

const INT_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

const SIXTY_FOUR_BIT = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

/**
 * Converts one JSON scalar of protobuf type `type` for field `name` (integers past 2^53 arrive
 * as bigint from the parser): 64-bit integers become
 * decimal strings, 32-bit integers and floats numbers, bytes Uint8Array. Throws
 * InvalidOtlpPayloadError naming `path` when the JSON type or range is wrong.
 */
export function decodeJsonScalar(value: unknown, type: string, name: string, path: string): unknown {
  if (type === 'string') return expect(typeof value === 'string', value, path, 'a string');
  if (type === 'bool') return expect(typeof value === 'boolean', value, path, 'a boolean');
  if (type === 'double' || type === 'float') return decodeFloat(value, path);
  if (type === 'bytes') return HEX_ID_FIELDS.has(name) ? decodeHexId(value, path) : decodeBase64(value, path);
  const range = INT_RANGES[type];
  if (range === undefined) throw new InvalidOtlpPayloadError(path, `unsupported protobuf type ${type}`);
  const integer = decodeInteger(value, range, path);
  return SIXTY_FOUR_BIT.has(type) ? integer.toString() : Number(integer);
}

/** Checks an enum value: OTLP/JSON requires the integer, not the symbolic name. */
export function decodeJsonEnum(value: unknown, path: string): number {
  if (typeof value === 'string') {
    throw new InvalidOtlpPayloadError(
      path,
      `enum value ${JSON.stringify(value)} must be an integer in OTLP/JSON`,
    );
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidOtlpPayloadError(path, `expected an integer enum value, got ${describe(value)}`);
  }
  return value;
}

function expect(ok: boolean, value: unknown, path: string, what: string): unknown {
  if (!ok) throw new InvalidOtlpPayloadError(path, `expected ${what}, got ${describe(value)}`);
  return value;
}

function decodeInteger(value: unknown, [min, max]: readonly [bigint, bigint], path: string): bigint {
  let parsed: bigint;
  if (typeof value === 'bigint') parsed = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) parsed = BigInt(value);
  else if (typeof value === 'string' && /^-?(0|[1-9][0-9]*)$/.test(value)) parsed = BigInt(value);
  else
    throw new InvalidOtlpPayloadError(
      path,
      `expected an integer (number or decimal string), got ${describe(value)}`,
    );
  if (parsed < min || parsed > max) throw new InvalidOtlpPayloadError(path, `integer ${parsed} out of range`);
  return parsed;
}

function decodeFloat(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new InvalidOtlpPayloadError(path, `expected a number, got ${describe(value)}`);
}

function decodeHexId(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string')
    throw new InvalidOtlpPayloadError(path, `expected a hex string, got ${describe(value)}`);
  if (!/^([0-9a-fA-F]{2})*$/.test(value)) {
    throw new InvalidOtlpPayloadError(
      path,
      `${JSON.stringify(value)} is not hex; OTLP/JSON encodes trace and span ids as hex strings, not base64`,
    );
  }
  return Buffer.from(value, 'hex');
}

function decodeBase64(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value) || value.length % 4 === 1) {
    throw new InvalidOtlpPayloadError(path, `expected base64 bytes, got ${describe(value)}`);
  }
  return Buffer.from(value, 'base64');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'bigint') return `number ${value}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
