/**
 * The attribute rules of the OpenTelemetry SDK, as pure functions: which values are valid, how
 * a string is truncated to `attributeValueLength`, and how an event's or link's attribute set is
 * cut to its count limit (counting what was dropped).
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';

/** Whether `value` is a valid attribute value (primitive, or array of one primitive type). */
export function isAttributeValue(value: unknown): value is AttributeValue {
  const type = typeof value;
  if (type === 'string' || type === 'boolean') return true;
  if (type === 'number') return true;
  if (!Array.isArray(value)) return false;
  let seen: string | undefined;
  for (const item of value as unknown[]) {
    if (item === null || item === undefined) continue;
    const itemType = typeof item;
    if (itemType !== 'string' && itemType !== 'number' && itemType !== 'boolean') return false;
    if (seen === undefined) seen = itemType;
    else if (seen !== itemType) return false;
  }
  return true;
}

/**
 * `value` with strings (and string array elements) cut to `maxLength` UTF-16 units, as the SDK
 * does; other values unchanged. Returns `value` itself when nothing is cut.
 */
export function truncateValue(value: AttributeValue, maxLength: number): AttributeValue {
  if (typeof value === 'string') return value.length > maxLength ? value.slice(0, maxLength) : value;
  if (!Array.isArray(value)) return value;
  let cut: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item === 'string' && item.length > maxLength) {
      cut ??= [...(value as unknown[])];
      cut[i] = item.slice(0, maxLength);
    }
  }
  return (cut ?? value) as AttributeValue;
}

/** An attribute set cut to a count limit, with the number of attributes it lost. */
export interface LimitedAttributes {
  readonly attributes: Attributes | undefined;
  readonly dropped: number;
}

/**
 * The valid attributes of `attributes` (an event's or a link's), at most `count` of them in the
 * order given, values truncated to `maxLength`. `undefined` when none is left.
 */
export function limitAttributes(
  attributes: Attributes | undefined,
  count: number,
  maxLength: number,
): LimitedAttributes {
  if (attributes === undefined) return { attributes: undefined, dropped: 0 };
  let kept: Attributes | undefined;
  let keptCount = 0;
  let dropped = 0;
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    const value = attributes[key];
    if (value === undefined || value === null || key.length === 0 || !isAttributeValue(value)) continue;
    if (keptCount >= count) {
      dropped++;
      continue;
    }
    (kept ??= {})[key] = maxLength === Number.POSITIVE_INFINITY ? value : truncateValue(value, maxLength);
    keptCount++;
  }
  return { attributes: kept, dropped };
}
