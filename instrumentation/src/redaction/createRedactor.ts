/**
 * The redactor: one object that decides what Faultline never writes out, used by the ECS log
 * format, the Elasticsearch transport and span export. Every decision is a pure function of the
 * configured keys and the value given; nothing is modified in place.
 */
import type { AttributeValue, Attributes } from '@opentelemetry/api';
import { createKeyMatcher, sensitiveTerms } from './sensitiveKeys.ts';
import { createTextRedactor } from './textRedaction.ts';
import { deepRedact, maskValue, redactNumber } from './deepRedact.ts';

export { REDACTED } from './textRedaction.ts';
export { CIRCULAR, TRUNCATED } from './deepRedact.ts';

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /**
   * Field names to mask in addition to the defaults, matched case-insensitively and regardless
   * of separators (`customer_email` also masks `customerEmail`), at any nesting level and as part
   * of dotted attribute names.
   */
  readonly extraKeys?: readonly string[];
  /** Nesting beyond which `redact` writes `[Truncated]`; 10 by default. */
  readonly maxDepth?: number;
}

/** Masks secrets in values before they are logged or exported. */
export interface Redactor {
  /**
   * A deep copy of `value` with the values of sensitive keys replaced by `[REDACTED]`, secrets and
   * card numbers masked inside strings, and the result made serialisable: cycles become
   * `[Circular]`, depth past the limit `[Truncated]`, Errors plain `{ name, message, stack, ... }`
   * objects, Maps plain objects, Sets arrays, binary data a size note, bigints strings. The static type is kept for convenience;
   * those conversions are the exceptions to it. Never modifies `value`; never throws.
   */
  redact<T>(value: T): T;
  /** `text` with secrets and card numbers masked; the same string when there is nothing to mask. */
  redactString(text: string): string;
  /**
   * Span attributes with sensitive keys and secrets in values masked. Returns `attributes`
   * itself, without allocating, when nothing needs masking (the common case on every span).
   */
  redactAttributes(attributes: Attributes): Attributes;
  /**
   * One flat field (string, number, boolean or an array of them) masked as `redactAttributes`
   * would mask it; `value` itself, without allocating, when nothing needs masking.
   */
  redactAttribute(key: string, value: AttributeValue): AttributeValue;
}

const DEFAULT_MAX_DEPTH = 10;

/** Creates a {@link Redactor} for the default sensitive keys plus `extraKeys`. */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const extraKeys = options.extraKeys ?? [];
  const isSensitiveKey = createKeyMatcher(extraKeys);
  const text = createTextRedactor(isSensitiveKey, sensitiveTerms(extraKeys));
  const walkOptions = {
    isSensitiveKey,
    redactString: text.redactString,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
  };

  const redactAttributeValue = (value: AttributeValue | undefined): AttributeValue | undefined => {
    if (typeof value === 'string') return text.redactString(value);
    if (typeof value === 'number') {
      const masked = redactNumber(value);
      return typeof masked === 'string' ? masked : value;
    }
    if (Array.isArray(value)) {
      return value.map((item: unknown) =>
        typeof item === 'string' ? text.redactString(item) : item,
      ) as AttributeValue;
    }
    return value;
  };

  const attributeNeedsMasking = (key: string, value: AttributeValue | undefined): boolean => {
    if (value === undefined || value === null) return false;
    if (isSensitiveKey(key)) return true;
    if (typeof value === 'string')
      return text.mightContainSecret(value) && text.redactString(value) !== value;
    if (typeof value === 'number') return value >= 1e12 && redactNumber(value) !== value;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'string' && text.mightContainSecret(item) && text.redactString(item) !== item)
          return true;
      }
    }
    return false;
  };

  return {
    redact: <T>(value: T): T => {
      try {
        return deepRedact(value, walkOptions) as T;
      } catch {
        // A value whose accessors throw in unexpected ways: log nothing of it rather than leak.
        return '[Unredactable]' as T;
      }
    },
    redactString: (value) => text.redactString(value),
    redactAttribute(key, value) {
      if (!attributeNeedsMasking(key, value)) return value;
      return isSensitiveKey(key)
        ? (maskValue(value) as AttributeValue)
        : (redactAttributeValue(value) as AttributeValue);
    },
    redactAttributes(attributes) {
      let needsCopy = false;
      // Object.keys, not for-in: see writeAttributes in tracing/otlp/protobuf.ts.
      const keys = Object.keys(attributes);
      for (let i = 0; i < keys.length; i++) {
        if (attributeNeedsMasking(keys[i]!, attributes[keys[i]!])) {
          needsCopy = true;
          break;
        }
      }
      if (!needsCopy) return attributes;
      const copy: Attributes = {};
      for (const key in attributes) {
        const value = attributes[key];
        copy[key] = isSensitiveKey(key)
          ? (maskValue(value) as AttributeValue | undefined)
          : redactAttributeValue(value);
      }
      return copy;
    },
  };
}
