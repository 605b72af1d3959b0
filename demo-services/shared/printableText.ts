/**
 * Bounded, printable text for the fields of the public API. PostgreSQL refuses NUL in `text`
 * and lone surrogates in `jsonb`, and control characters are never meant in an identifier or a
 * token, so they are refused at the edge with a 400 naming the field instead of reaching the
 * database. Lengths count code points, as JSON Schema's `minLength` and `maxLength` do, so the
 * published document and the validator agree on every string.
 */
import { z } from 'zod';

/**
 * Any code point but C0/C1 controls, DEL and lone surrogates. Written without the `u` flag so
 * it reads the same in zod, in JSON Schema validators (which may add it) and in the document.
 */
export const PRINTABLE_PATTERN =
  '^(?:[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]|[\\ud800-\\udbff][\\udc00-\\udfff])*$';

const printable = new RegExp(PRINTABLE_PATTERN);

/** Number of code points of `value` (a surrogate pair counts one). */
export function codePointLength(value: string): number {
  let length = 0;
  for (const _ of value) length += 1;
  return length;
}

/**
 * A string of `min`..`max` code points without control characters or lone surrogates; its
 * JSON Schema carries the same bounds (`minLength`, `maxLength`, `pattern`).
 */
export function printableText(min: number, max: number) {
  return z
    .string()
    .regex(printable, { message: 'control characters and lone surrogates are not allowed' })
    .refine((value) => codePointLength(value) >= min, { message: `at least ${min} character(s)` })
    .refine((value) => codePointLength(value) <= max, { message: `at most ${max} characters` })
    .meta({ minLength: min, maxLength: max });
}
