/**
 * What a panel asks Prometheus: the PromQL and the legend of one target. Query modules export
 * these per panel; layout modules place them, so a query can change without touching layout.
 */

/** One Prometheus target of a panel. */
export interface Query {
  readonly expr: string;
  /** Grafana legend template, e.g. `{{service}} {{http_route}}`. */
  readonly legend: string;
  /** Ask for exemplars too: points carrying a trace id, linked to Jaeger by the datasource. */
  readonly exemplars?: boolean;
}

/** The targets of one panel, in order (refIds A, B, C...). */
export type PanelQueries = readonly Query[];

/** Shorthand for a {@link Query}. */
export function query(expr: string, legend: string): Query {
  return { expr, legend };
}

/** `q`, asking for exemplars (for queries over histograms whose observations carry trace ids). */
export function withExemplars(q: Query): Query {
  return { ...q, exemplars: true };
}

/** A legend naming each series by the given labels: `{{a}} {{b}}`. */
export function legendOf(...labels: readonly string[]): string {
  return labels.map((label) => `{{${label}}}`).join(' ');
}
