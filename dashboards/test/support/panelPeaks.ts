/**
 * How high a panel's line went: a "no series" check cannot tell a panel that showed a fault
 * from one that showed its zero fallback (`x or shape * 0`), so tests that inject a fault also
 * ask for the peak of the panel's own query over the window, evaluated the way Grafana would
 * draw it (a subquery at the scrape interval).
 */
import { instantQuery } from '../../src/prometheus.ts';
import type { VerificationReport } from '../../src/verify.ts';

/** One line of one panel that a fault must raise. */
export interface PanelLine {
  readonly dashboardUid: string;
  readonly panelTitle: string;
  readonly refId: string;
  /** Only the series carrying these labels (default: any series of the target). */
  readonly labels?: Readonly<Record<string, string>>;
  /** The highest point must reach this (default: above 0). */
  readonly atLeast?: number;
}

/** What {@link panelPeak} found: the highest point, or why there is none. */
export type PanelPeak =
  { readonly found: true; readonly peak: number } | { readonly found: false; readonly why: string };

function carries(
  labels: Readonly<Record<string, string>>,
  wanted: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(wanted).every(([name, value]) => labels[name] === value);
}

/**
 * The highest value the line's series reached over the last `window` (e.g. `10m`), sampled
 * every `step`, for the query as `report` sent it (variables substituted).
 */
export async function panelPeak(
  prometheusUrl: string,
  report: VerificationReport,
  line: PanelLine,
  window: string,
  step = '5s',
): Promise<PanelPeak> {
  const panel = report.panels.find(
    (p) => p.dashboardUid === line.dashboardUid && p.panelTitle === line.panelTitle,
  );
  const target = panel?.targets.find((t) => t.refId === line.refId);
  if (!target) return { found: false, why: 'no such panel target in the report' };
  const samples = await instantQuery(prometheusUrl, `max_over_time((${target.query})[${window}:${step}])`);
  const values = samples
    .filter((s) => carries(s.labels, line.labels ?? {}))
    .map((s) => s.value)
    .filter((v) => !Number.isNaN(v));
  if (values.length === 0) return { found: false, why: 'no series with those labels' };
  return { found: true, peak: Math.max(...values) };
}

/** `line` as a test failure names it. */
export function describeLine(line: PanelLine): string {
  const labels = line.labels ? ` ${JSON.stringify(line.labels)}` : '';
  return `${line.dashboardUid} / "${line.panelTitle}" ${line.refId}${labels}`;
}
