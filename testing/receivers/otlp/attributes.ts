/**
 * OTLP attributes (`repeated KeyValue`): the well-typedness rules the receiver enforces, and
 * their conversion to plain JavaScript values for test assertions.
 */
import type { DecodedAnyValue, DecodedKeyValue } from './decodedTypes.ts';
import { InvalidOtlpPayloadError } from './InvalidOtlpPayloadError.ts';

const MEMBERS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
] as const;

/** A converted attribute value: primitives, Uint8Array, arrays and nested records; null for an empty AnyValue. */
export type AttributeValue =
  | string
  | boolean
  | number
  | bigint
  | Uint8Array
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/**
 * Checks a list of attributes: every key is a non-empty string used once, every value sets
 * exactly one AnyValue member (nested array/kvlist elements may be empty, which is how the JS
 * SDK encodes a null inside an array). Throws InvalidOtlpPayloadError naming the attribute.
 */
export function validateAttributes(list: readonly DecodedKeyValue[] | undefined, path: string): void {
  const seen = new Set<string>();
  (list ?? []).forEach((attribute, index) => {
    const at = `${path}[${index}]`;
    const key = attribute.key ?? '';
    if (key === '')
      throw new InvalidOtlpPayloadError(`${at}.key`, 'attribute key must be a non-empty string');
    if (seen.has(key)) throw new InvalidOtlpPayloadError(`${at}.key`, `duplicate attribute key "${key}"`);
    seen.add(key);
    if (setMembers(attribute.value).length === 0) {
      throw new InvalidOtlpPayloadError(`${at}.value`, `attribute "${key}" has no value`);
    }
    validateAnyValue(attribute.value ?? {}, `${at}.value`);
  });
}

function validateAnyValue(value: DecodedAnyValue, path: string): void {
  const members = setMembers(value);
  if (members.length > 1) {
    throw new InvalidOtlpPayloadError(path, `AnyValue sets more than one member: ${members.join(', ')}`);
  }
  value.arrayValue?.values?.forEach((item, index) =>
    validateAnyValue(item, `${path}.arrayValue.values[${index}]`),
  );
  const kvlist = value.kvlistValue?.values;
  if (kvlist !== undefined) validateKvlist(kvlist, `${path}.kvlistValue.values`);
}

function validateKvlist(list: readonly DecodedKeyValue[], path: string): void {
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const key = entry.key ?? '';
    if (seen.has(key)) throw new InvalidOtlpPayloadError(`${path}[${index}].key`, `duplicate key "${key}"`);
    seen.add(key);
    validateAnyValue(entry.value ?? {}, `${path}[${index}].value`);
  });
}

function setMembers(value: DecodedAnyValue | undefined): string[] {
  if (value === undefined) return [];
  return MEMBERS.filter((member) => value[member] !== undefined);
}

/** Converts attributes to a record; int64 values become numbers when safe, bigint otherwise. */
export function attributesToRecord(
  list: readonly DecodedKeyValue[] | undefined,
): Record<string, AttributeValue> {
  const record: Record<string, AttributeValue> = {};
  for (const attribute of list ?? []) record[attribute.key ?? ''] = anyValueToJs(attribute.value ?? {});
  return record;
}

function anyValueToJs(value: DecodedAnyValue): AttributeValue {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.intValue !== undefined) {
    const big = BigInt(value.intValue);
    return Number.isSafeInteger(Number(big)) ? Number(big) : big;
  }
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValueToJs);
  if (value.kvlistValue !== undefined) return attributesToRecord(value.kvlistValue.values);
  return null;
}
