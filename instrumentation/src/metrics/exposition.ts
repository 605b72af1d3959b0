/**
 * Renders prom-client's collected values in the two text formats Prometheus scrapes: the
 * Prometheus text format 0.0.4 and OpenMetrics 1.0.0 (which alone carries exemplars). Kept apart
 * from the registry because prom-client renders one format per registry and, in OpenMetrics
 * mode, renames counters in place; rendering here lets one set of metrics serve both.
 */
import type { MetricObjectWithValues, MetricValue } from 'prom-client';

/** The two exposition formats, with their HTTP content types. */
export const FORMATS = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
} as const;

/** An exposition format name. */
export type ExpositionFormat = keyof typeof FORMATS;

/**
 * Picks the format from a scrape's `Accept` header: OpenMetrics when the client lists it
 * (as Prometheus does when it wants exemplars), the Prometheus text format otherwise.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  return accept !== undefined && accept.includes('application/openmetrics-text')
    ? 'openmetrics'
    : 'prometheus';
}

interface Exemplar {
  labelSet: Record<string, string | number>;
  value: number;
  timestamp: number;
}

type Sample = MetricValue<string> & { metricName?: string; exemplar?: Exemplar | null };

/** Escapes a label value as both formats require (backslash, double quote, newline). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(
  labels: Record<string, string | number | undefined>,
  extra: Record<string, string>,
): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(extra)) {
    if (!(name in labels)) parts.push(`${name}="${escapeLabelValue(value)}"`);
  }
  for (const [name, value] of Object.entries(labels)) {
    if (value === undefined) continue;
    const text = typeof value === 'number' ? formatNumber(value) : value;
    parts.push(`${name}="${escapeLabelValue(text)}"`);
  }
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

function formatExemplar(exemplar: Exemplar | null | undefined): string {
  if (!exemplar || Object.keys(exemplar.labelSet).length === 0) return '';
  return ` # ${formatLabels(exemplar.labelSet, {})} ${formatNumber(exemplar.value)} ${exemplar.timestamp}`;
}

/**
 * Renders one metric family. `defaultLabels` are added to every sample (the `service` label);
 * a sample's own label of the same name wins.
 */
export function renderFamily(
  metric: MetricObjectWithValues<MetricValue<string>>,
  format: ExpositionFormat,
  defaultLabels: Record<string, string>,
): string {
  const openMetrics = format === 'openmetrics';
  const type = String(metric.type);
  const isCounter = type === 'counter';
  const family = openMetrics && isCounter ? metric.name.replace(/_total$/, '') : metric.name;
  const lines = [`# HELP ${family} ${escapeHelp(metric.help)}`, `# TYPE ${family} ${type}`];
  for (const value of metric.values as Sample[]) {
    let name = value.metricName ?? metric.name;
    if (openMetrics && isCounter && !name.endsWith('_total')) name = `${name}_total`;
    const exemplar = openMetrics ? formatExemplar(value.exemplar) : '';
    lines.push(`${name}${formatLabels(value.labels, defaultLabels)} ${formatNumber(value.value)}${exemplar}`);
  }
  return lines.join('\n');
}

/** Renders metric families into a complete exposition in the given format. */
export function renderExposition(
  families: MetricObjectWithValues<MetricValue<string>>[],
  format: ExpositionFormat,
  defaultLabels: Record<string, string>,
): string {
  const body = families.map((family) => renderFamily(family, format, defaultLabels)).join('\n');
  return format === 'openmetrics' ? `${body}\n# EOF\n` : `${body}\n`;
}
