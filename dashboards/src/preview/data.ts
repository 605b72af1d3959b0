/**
 * Fetches what each panel of a dashboard shows, from Prometheus: range queries over the
 * preview window for charts, an instant query at its end for stat panels, with template
 * variables substituted as a Grafana viewer with "All" selected would see them.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { interpolate, variableValues } from '../interpolate.ts';
import { panelsOf, targetsOf, type DashboardJson } from '../model.ts';
import { instantQuery, rangeQuery } from '../prometheus.ts';
import { seriesName } from './format.ts';

/** One named series of a panel: `[unix ms, value]` points (one point for a stat). */
export interface PanelSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

/** A panel and what it showed, or the query error that kept it from showing anything. */
export interface PanelData {
  readonly panel: dashboard.Panel | dashboard.RowPanel;
  readonly series: readonly PanelSeries[];
  readonly error?: string;
}

/** The preview window. */
export interface Window {
  readonly start: Date;
  readonly end: Date;
  readonly stepSeconds: number;
}

async function seriesOf(url: string, panel: dashboard.Panel, values: Map<string, string>, window: Window) {
  const all: PanelSeries[] = [];
  for (const target of targetsOf(panel)) {
    const query = interpolate(target.expr, values);
    if (target.instant) {
      for (const sample of await instantQuery(url, query, window.end)) {
        all.push({
          name: seriesName(target.legend, sample.labels),
          points: [[window.end.getTime(), sample.value]],
        });
      }
    } else {
      for (const series of await rangeQuery(url, query, window)) {
        const points = series.points.map(([t, v]) => [t * 1000, v] as const);
        all.push({ name: seriesName(target.legend, series.labels), points });
      }
    }
  }
  return all;
}

/** Every panel of `json` with its data over `window`, in panel order. */
export async function fetchPanelData(url: string, json: DashboardJson, window: Window): Promise<PanelData[]> {
  const minutes = Math.max(1, Math.round((window.end.getTime() - window.start.getTime()) / 60_000));
  const values = variableValues(json, { range: `${minutes}m`, interval: `${window.stepSeconds}s` });
  return Promise.all(
    panelsOf(json).map(async (panel): Promise<PanelData> => {
      if (panel.type === 'row') return { panel, series: [] };
      try {
        return { panel, series: await seriesOf(url, panel as dashboard.Panel, values, window) };
      } catch (error) {
        return { panel, series: [], error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
