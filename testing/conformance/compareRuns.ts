/**
 * Field-by-field comparison of two runs' canonical spans and resources: every difference is
 * named by the span key and the field path, with both values, so it can be matched against the
 * allowed differences or reported.
 */
import type { CanonicalSpan } from './canonicalSpans.ts';

/** One difference between Faultline's run and the SDK's. */
export interface Difference {
  /** The span key, `resource`, or `sampling`. */
  readonly span: string;
  /** A dotted path: `span` (present in one run only), `attributes.url.query`, `events`, ... */
  readonly field: string;
  readonly faultline: unknown;
  readonly sdk: unknown;
}

const ABSENT = undefined;

/** Differences between two records, one per key whose values are not deep-equal. */
export function compareRecords(
  span: string,
  prefix: string,
  faultline: Readonly<Record<string, unknown>>,
  sdk: Readonly<Record<string, unknown>>,
): Difference[] {
  const keys = new Set([...Object.keys(faultline), ...Object.keys(sdk)]);
  const out: Difference[] = [];
  for (const key of [...keys].sort()) {
    const a = faultline[key];
    const b = sdk[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const bothRecords = isRecord(a) && isRecord(b);
    if (bothRecords) out.push(...compareRecords(span, `${prefix}${key}.`, a, b));
    else out.push({ span, field: `${prefix}${key}`, faultline: a, sdk: b });
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function group(spans: readonly CanonicalSpan[]): Map<string, CanonicalSpan[]> {
  const map = new Map<string, CanonicalSpan[]>();
  for (const span of spans) map.set(span.key, [...(map.get(span.key) ?? []), span]);
  return map;
}

/** Differences between the spans of the two runs, matched by key. */
export function compareSpans(
  faultline: readonly CanonicalSpan[],
  sdk: readonly CanonicalSpan[],
): Difference[] {
  const ours = group(faultline);
  const theirs = group(sdk);
  const out: Difference[] = [];
  for (const key of [...new Set([...ours.keys(), ...theirs.keys()])].sort()) {
    const a = ours.get(key) ?? [];
    const b = theirs.get(key) ?? [];
    if (a.length !== b.length) {
      out.push({ span: key, field: 'span', faultline: a.length || ABSENT, sdk: b.length || ABSENT });
      continue;
    }
    a.forEach((span, i) => out.push(...compareRecords(key, '', span.fields, b[i]!.fields)));
  }
  return out;
}
