/**
 * Reads single environment variables through zod schemas, collecting one {@link ConfigIssue}
 * per bad value instead of throwing: telemetry must never stop a service from booting.
 */
import { z } from 'zod';
import type { ConfigIssue } from './types.ts';

/** The environment as a plain map (tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

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
   * Reads `name` with `schema`; unset gives `fallback`. A value the schema refuses records an
   * issue naming the variable, the value and `accepted`, and yields `{ ok: false }`.
   */
  read<T>(name: string, schema: z.ZodType<T>, fallback: T, accepted: string, consequence: string): Read<T> {
    const raw = this.raw(name);
    if (raw === undefined) return { ok: true, value: fallback };
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { ok: true, value: parsed.data };
    this.issues.push({ variable: name, value: raw, accepted, consequence });
    return { ok: false };
  }

  /** Like {@link read}, but a bad value falls back to the default (recorded as the consequence). */
  readOrDefault<T>(name: string, schema: z.ZodType<T>, fallback: T, accepted: string): T {
    const result = this.read(name, schema, fallback, accepted, `using the default (${String(fallback)})`);
    return result.ok ? result.value : fallback;
  }
}

/** A whole number within bounds, from its decimal text. */
export function integer(min: number, max: number): z.ZodType<number> {
  return z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));
}

/** A boolean from `true`/`false` (any case), as the OpenTelemetry specification reads them. */
export const boolean: z.ZodType<boolean> = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(['true', 'false']))
  .transform((value) => value === 'true');

/** An absolute http(s) URL. */
export const httpUrl: z.ZodType<string> = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol));

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

/** A schema over {@link parseKeyValueList}. */
export const keyValueList: z.ZodType<Record<string, string>> = z.string().transform((text, context) => {
  try {
    return parseKeyValueList(text);
  } catch {
    context.addIssue({ code: 'custom', message: 'malformed key=value list' });
    return z.NEVER;
  }
});
