/**
 * How the preview writes values and series names: Grafana's units the dashboards use, and
 * legend templates (`{{service}} {{http_route}}`) filled from a series' labels.
 */

/** A value in a Grafana unit (`percentunit`, `s`, `reqps`, `ops`, `short`), short enough for a chart. */
export function formatValue(unit: string | undefined, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'percentunit':
      return `${(value * 100).toFixed(Math.abs(value) < 0.1 && value !== 0 ? 2 : 1)}%`;
    case 's':
      return Math.abs(value) < 1 && value !== 0 ? `${compact(value * 1000)} ms` : `${compact(value)} s`;
    case 'reqps':
      return `${compact(value)} req/s`;
    case 'ops':
      return `${compact(value)} ops/s`;
    default:
      return compact(value);
  }
}

function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  if (abs === 0 || abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(abs >= 10 ? 1 : 2).replace(/\.?0+$/, '');
  return value.toPrecision(2);
}

/** A series' display name: the legend template with `{{label}}` filled in. */
export function seriesName(legend: string, labels: Readonly<Record<string, string>>): string {
  const name = legend.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, label: string) => labels[label] ?? '').trim();
  if (name) return name.replace(/\s+/g, ' ');
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return pairs.length > 0 ? `{${pairs.join(', ')}}` : 'value';
}
