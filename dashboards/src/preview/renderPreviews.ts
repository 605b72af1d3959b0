/**
 * Renders each dashboard's panels, with real data from a Prometheus, to one PNG per dashboard
 * (`<outDir>/<uid>.png`), so a reviewer sees what a dashboard shows without a Grafana server.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadDashboardsConfig } from '../config.ts';
import type { DashboardJson } from '../model.ts';
import { renderDashboards } from '../render.ts';
import { dashboardChart } from './chart.ts';
import { fetchPanelData, type Window } from './data.ts';
import { renderSvg, svgToPng } from './png.ts';

/** Options of {@link renderPreviews}. */
export interface PreviewOptions {
  readonly prometheusUrl: string;
  /** Minutes of data up to `end`. */
  readonly minutes: number;
  readonly outDir: string;
  /** End of the window; default now. */
  readonly end?: Date;
  /** Default: the generated dashboards (identical to the committed JSON). */
  readonly dashboards?: readonly DashboardJson[];
}

/** One written picture. */
export interface Preview {
  readonly uid: string;
  readonly file: string;
  readonly bytes: number;
  /** Panels whose queries failed or returned nothing, by title. */
  readonly empty: readonly string[];
}

function windowOf(options: PreviewOptions): Window {
  const end = options.end ?? new Date();
  const start = new Date(end.getTime() - options.minutes * 60_000);
  // About 240 points across the chart, never finer than a second.
  return { start, end, stepSeconds: Math.max(1, Math.round((options.minutes * 60) / 240)) };
}

/** Renders every dashboard to `<outDir>/<uid>.png`. Query errors are drawn in their panel. */
export async function renderPreviews(options: PreviewOptions): Promise<Preview[]> {
  const dashboards = options.dashboards ?? renderDashboards(loadDashboardsConfig({})).map((r) => r.dashboard);
  const window = windowOf(options);
  await mkdir(options.outDir, { recursive: true });
  const previews: Preview[] = [];
  for (const json of dashboards) {
    const panels = await fetchPanelData(options.prometheusUrl, json, window);
    const { option, width, height } = dashboardChart(json, panels, window, options.prometheusUrl);
    const png = svgToPng(renderSvg(option, width, height));
    const file = path.join(options.outDir, `${json.uid}.png`);
    await writeFile(file, png);
    const empty = panels
      .filter((p) => p.panel.type !== 'row' && (p.error !== undefined || p.series.length === 0))
      .map((p) => p.panel.title ?? '');
    previews.push({ uid: json.uid ?? '', file, bytes: png.length, empty });
  }
  return previews;
}
