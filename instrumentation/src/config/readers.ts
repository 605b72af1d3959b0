/**
 * Reads single environment variables through small parsers, collecting one {@link ConfigIssue}
 * per bad value instead of throwing: telemetry must never stop a service from booting. (Plain
 * functions rather than a schema library: this runs in every instrumented process at start-up,
 * and a validation library would be most of the modules Faultline loads.)
 */
import type { ConfigIssue } from './types.ts';

/** The environment as a plain map (tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** What a parser returns for a value it refuses. */
export const INVALID: unique symbol = Symbol('invalid');

/** Turns a variable's trimmed, non-empty text into a value, or {@link INVALID}. */
export type Parser<T> = (raw: string) => T | typeof INVALID;

/** A parse result: the value, or `invalid` with the issue already recorded. */
export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/** Reads variables from one environment, accumulating issues. */
export class EnvReader {
  readonly issues: ConfigIssue[] = [];
  readonly #env: Env;

  constructor(env: Env) {
    this.#env = env;
  }

  /** The raw, trimmed value of `name`, or undefined when unset or empty. */
  raw(name: string): string | undefined {
    const value = this.#env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /**
   * Reads `name` with `parse`; unset gives `fallback`. A value the parser refuses records an
   * issue naming the variable, the value and `accepted`, and yields `{ ok: false }`.
   */
  read<T>(name: string, parse: Parser<T>, fallback: T, accepted: string, consequence: string): Read<T> {
    const raw = this.raw(name);
    if (raw === undefined) return { ok: true, value: fallback };
    const parsed = parse(raw);
    if (parsed !== INVALID) return { ok: true, value: parsed };
    this.issues.push({ variable: name, value: raw, accepted, consequence });
    return { ok: false };
  }

  /** Like {@link read}, but a bad value falls back to the default (recorded as the consequence). */
  readOrDefault<T>(name: string, parse: Parser<T>, fallback: T, accepted: string): T {
    const result = this.read(name, parse, fallback, accepted, `using the default (${String(fallback)})`);
    return result.ok ? result.value : fallback;
  }
}

/** A whole number within bounds, from its decimal text. */
export function integer(min: number, max: number): Parser<number> {
  return (raw) => {
    if (!/^\d+$/.test(raw)) return INVALID;
    const value = Number(raw);
    return value >= min && value <= max ? value : INVALID;
  };
}

/** A number within bounds (decimal, exponent or hex notation, as `Number` reads it). */
export function numberBetween(min: number, max: number): Parser<number> {
  return (raw) => {
    const value = Number(raw);
    return Number.isFinite(value) && value >= min && value <= max ? value : INVALID;
  };
}

/** A boolean from `true`/`false` (any case), as the OpenTelemetry specification reads them. */
export const boolean: Parser<boolean> = (raw) => {
  const value = raw.toLowerCase();
  if (value === 'true') return true;
  return value === 'false' ? false : INVALID;
};

/** One of `values`, exactly. */
export function oneOf<const V extends string>(values: readonly V[]): Parser<V> {
  return (raw) => ((values as readonly string[]).includes(raw) ? (raw as V) : INVALID);
}

/** Text matching `pattern`. */
export function matching(pattern: RegExp): Parser<string> {
  return (raw) => (pattern.test(raw) ? raw : INVALID);
}

/** A comma-separated list (items trimmed, empty items skipped). */
export const commaList: Parser<string[]> = (raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** A comma-separated list of which every item is one of `values` (no empty items). */
export function listOf<const V extends string>(values: readonly V[]): Parser<V[]> {
  return (raw) => {
    const items = raw.split(',').map((item) => item.trim());
    return items.every((item) => (values as readonly string[]).includes(item)) ? (items as V[]) : INVALID;
  };
}

/** An absolute http(s) URL. */
export const httpUrl: Parser<string> = (raw) =>
  URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol) ? raw : INVALID;

/**
 * Parses the W3C-baggage-like `key=value,key2=value2` lists of `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS` (values percent-decoded). Throws on a malformed pair.
 */
export function parseKeyValueList(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const index = pair.indexOf('=');
    if (index <= 0) throw new Error(`malformed pair "${pair}"`);
    const key = pair.slice(0, index).trim();
    result[key] = decodeURIComponent(pair.slice(index + 1).trim());
  }
  return result;
}

/** A parser over {@link parseKeyValueList}. */
export const keyValueList: Parser<Record<string, string>> = (raw) => {
  try {
    return parseKeyValueList(raw);
  } catch {
    return INVALID;
  }
};
