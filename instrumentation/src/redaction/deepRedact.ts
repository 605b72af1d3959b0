/**
 * The deep copy behind `Redactor.redact`: walks any value and returns a new, serialisable one in
 * which sensitive keys are masked and strings are scrubbed. The input is never modified. The copy
 * is shaped for a JSON log line: Errors become `{ name, message, stack, ...own fields }`, objects
 * with `toJSON` are copied through it, binary data becomes a size note, bigints become strings,
 * cycles become `[Circular]` and anything deeper than the limit `[Truncated]`. Maps become
 * plain objects (keys turned into strings) and Sets arrays, since JSON would write both as `{}`;
 * Dates stay Dates.
 */
import { isCardNumber } from './cardNumbers.ts';
import type { KeyMatcher } from './sensitiveKeys.ts';
import { REDACTED } from './textRedaction.ts';

/** Stands for a reference back to an object that is being copied. */
export const CIRCULAR = '[Circular]';

/** Stands for a value nested deeper than the redactor's depth limit. */
export const TRUNCATED = '[Truncated]';

/** What the walk needs from its redactor. */
export interface WalkOptions {
  readonly isSensitiveKey: KeyMatcher;
  readonly redactString: (text: string) => string;
  readonly maxDepth: number;
}

/** A card number stored as a JS number (up to 16 digits are exact) masked like one in text. */
export function redactNumber(value: number): number | string {
  if (!Number.isSafeInteger(value) || value < 1e12) return value;
  const digits = String(value);
  return isCardNumber(digits) ? `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}` : value;
}

/** The masked form of a sensitive key's value: absent values stay absent. */
export function maskValue(value: unknown): unknown {
  return value === null || value === undefined ? value : REDACTED;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // A plain assignment to `__proto__` would replace the prototype instead of adding a field.
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

class Walker {
  readonly #options: WalkOptions;
  readonly #ancestors: object[] = [];

  constructor(options: WalkOptions) {
    this.#options = options;
  }

  value(value: unknown, depth: number): unknown {
    switch (typeof value) {
      case 'string':
        return this.#options.redactString(value);
      case 'number':
        return redactNumber(value);
      case 'bigint':
        return this.#options.redactString(value.toString());
      case 'object':
        return value === null ? null : this.#object(value, depth);
      default:
        return value;
    }
  }

  #object(value: object, depth: number): unknown {
    if (this.#ancestors.includes(value)) return CIRCULAR;
    if (depth >= this.#options.maxDepth) return TRUNCATED;
    this.#ancestors.push(value);
    try {
      return this.#copy(value, depth + 1);
    } finally {
      this.#ancestors.pop();
    }
  }

  #copy(value: object, depth: number): unknown {
    if (Array.isArray(value)) return value.map((item) => this.value(item, depth));
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer)
      return `[Binary: ${value.byteLength} bytes]`;
    if (value instanceof Date) return new Date(value.getTime());
    if (value instanceof Map) return this.#map(value, depth);
    if (value instanceof Set) return [...value].map((item) => this.value(item, depth));
    if (value instanceof Error) return this.#error(value, depth);
    if (!isPlainObject(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      return this.value(
        this.#read(() => (value as { toJSON(): unknown }).toJSON()),
        depth - 1,
      );
    }
    return this.#fields(value, {}, depth);
  }

  #read(get: () => unknown): unknown {
    try {
      return get();
    } catch {
      return '[Unreadable]';
    }
  }

  #fields(source: object, target: Record<string, unknown>, depth: number): Record<string, unknown> {
    for (const key of Object.keys(source)) {
      const field = this.#read(() => (source as Record<string, unknown>)[key]);
      setOwn(target, key, this.#options.isSensitiveKey(key) ? maskValue(field) : this.value(field, depth));
    }
    return target;
  }

  #map(map: Map<unknown, unknown>, depth: number): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    for (const [rawKey, item] of map) {
      const key = String(rawKey);
      setOwn(copy, key, this.#options.isSensitiveKey(key) ? maskValue(item) : this.value(item, depth));
    }
    return copy;
  }

  #error(error: Error, depth: number): Record<string, unknown> {
    const copy: Record<string, unknown> = {
      name: error.name,
      message: this.#options.redactString(String(error.message)),
    };
    if (typeof error.stack === 'string') copy.stack = this.#options.redactString(error.stack);
    this.#fields(error, copy, depth);
    if (error.cause !== undefined && !('cause' in copy)) copy.cause = this.value(error.cause, depth);
    return copy;
  }
}

/** A redacted deep copy of `value` (see the module comment for the shape of the copy). */
export function deepRedact(value: unknown, options: WalkOptions): unknown {
  return new Walker(options).value(value, 0);
}
