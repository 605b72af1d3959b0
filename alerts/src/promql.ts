/**
 * Small pure helpers that write PromQL, so rule files read as the queries they produce.
 */

/** `metric{m1, m2}`, leaving out empty matcher strings; `metric` alone when none are left. */
export function selector(metric: string, ...matchers: readonly string[]): string {
  const present = matchers.filter((m) => m.trim() !== '');
  return present.length === 0 ? metric : `${metric}{${present.join(', ')}}`;
}

/** A label list for `by (...)` / `on (...)` clauses. */
export function labelList(labels: readonly string[]): string {
  return `(${labels.join(', ')})`;
}

/**
 * The labels a rule or an inhibition needs, then the configured grouping labels (`namespace`,
 * `cluster`...) so one deployment's alerts stay apart from another's. Duplicates dropped.
 */
export function withGrouping(labels: readonly string[], grouping: readonly string[]): string[] {
  return [...new Set([...labels, ...grouping])];
}

/** The `by (...)` list of an aggregation: {@link withGrouping} as PromQL writes it. */
export function groupBy(labels: readonly string[], grouping: readonly string[]): string {
  return labelList(withGrouping(labels, grouping));
}

/** A regex alternation matching exactly the given label values: `"a|b"`. */
export function anyOf(values: readonly string[]): string {
  return `"${values.join('|')}"`;
}

/** A number as PromQL and humans read it: no float noise (`0.001`, not `0.0010000000000000009`). */
export function num(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** A ratio as a percentage for alert text: `0.5` → `50%`. */
export function percent(ratio: number): string {
  return `${num(ratio * 100)}%`;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** The length of a Prometheus duration in seconds; throws on anything but `<n>s|m|h|d`. */
export function seconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(duration);
  if (!match) throw new Error(`Invalid duration "${duration}": expected a number followed by s, m, h or d`);
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}
