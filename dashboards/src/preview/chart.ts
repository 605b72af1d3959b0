/**
 * Lays a dashboard out as one ECharts option: a header, then every panel where its `gridPos`
 * puts it on Grafana's grid, framed and titled, drawn by its kind (time series, state timeline,
 * stat) or with the reason it has nothing to show.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { EChartsOption } from 'echarts';
import type { DashboardJson } from '../model.ts';
import {
  FONT,
  GAP,
  HEADER,
  MUTED,
  PREVIEW_WIDTH,
  TEXT,
  boxOf,
  colorOf,
  defaults,
  text,
  type Box,
  type Graphic,
  type Parts,
} from './canvas.ts';
import type { PanelData, Window } from './data.ts';
import { formatValue } from './format.ts';
import { stateTimelineChart } from './stateTimeline.ts';
import { timeSeriesChart } from './timeSeries.ts';

// Grafana's classic palette, so colours look familiar.
const PALETTE = [
  '#7EB26D',
  '#EAB839',
  '#6ED0E0',
  '#EF843C',
  '#E24D42',
  '#1F78C1',
  '#BA43A9',
  '#705DA0',
  '#508642',
];

function frame(box: Box, title: string): Graphic[] {
  return [
    {
      type: 'rect',
      shape: { x: box.x, y: box.y, width: box.w, height: box.h, r: 4 },
      style: { fill: '#ffffff', stroke: '#d8dadf', lineWidth: 1 },
    },
    text(box.x + 10, box.y + 9, title, {
      fontSize: 13,
      fontWeight: 'bold',
      width: box.w - 20,
      overflow: 'truncate',
    }),
  ];
}

function message(box: Box, content: string, color: string): Graphic {
  return text(box.x + 12, box.y + box.h / 2 - 8, content, {
    fill: color,
    width: box.w - 24,
    overflow: 'break',
    fontSize: 11,
  });
}

function thresholdColor(panel: dashboard.Panel, value: number): string {
  const steps = defaults(panel).thresholds?.steps ?? [];
  let color = TEXT;
  for (const step of steps) if (step.value === null || value >= step.value) color = step.color;
  return colorOf(color);
}

function statPanel(parts: Parts, panel: dashboard.Panel, data: PanelData, box: Box): void {
  const unit = defaults(panel).unit;
  const [first] = data.series;
  const value = first?.points.at(-1)?.[1];
  if (value === undefined) return;
  const label = formatValue(unit, value);
  parts.graphic.push(
    text(box.x + box.w / 2, box.y + box.h / 2 + 8, label, {
      fontSize: Math.min(34, box.h / 3),
      fontWeight: 'bold',
      fill: thresholdColor(panel, value),
      align: 'center',
      verticalAlign: 'middle',
    }),
  );
}

function rowPanel(parts: Parts, panel: dashboard.RowPanel, box: Box): void {
  parts.graphic.push(text(box.x, box.y + 6, panel.title ?? '', { fontSize: 15, fontWeight: 'bold' }));
  parts.graphic.push({
    type: 'line',
    shape: { x1: box.x, y1: box.y + box.h + 2, x2: box.x + box.w, y2: box.y + box.h + 2 },
    style: { stroke: '#d8dadf' },
  });
}

function addPanel(parts: Parts, data: PanelData, window: Window): void {
  const box = boxOf(data.panel.gridPos);
  if (data.panel.type === 'row') {
    rowPanel(parts, data.panel as dashboard.RowPanel, box);
    return;
  }
  const panel = data.panel as dashboard.Panel;
  parts.graphic.push(...frame(box, panel.title ?? ''));
  if (data.error) parts.graphic.push(message(box, `Query error: ${data.error}`, '#E02F44'));
  else if (data.series.length === 0) parts.graphic.push(message(box, 'No data', MUTED));
  else if (panel.type === 'stat') statPanel(parts, panel, data, box);
  else if (panel.type === 'state-timeline') stateTimelineChart(parts, panel, data, box, window);
  else timeSeriesChart(parts, panel, data, box, window);
}

/** The picture of one dashboard: its ECharts option and the canvas size it needs. */
export function dashboardChart(
  json: DashboardJson,
  panels: readonly PanelData[],
  window: Window,
  source: string,
): { option: EChartsOption; width: number; height: number } {
  const parts: Parts = { grid: [], xAxis: [], yAxis: [], series: [], legend: [], graphic: [] };
  const bottom = Math.max(...panels.map((p) => boxOf(p.panel.gridPos)).map((b) => b.y + b.h), HEADER);
  const minutes = Math.round((window.end.getTime() - window.start.getTime()) / 60_000);
  parts.graphic.push(text(GAP, 14, json.title ?? '', { fontSize: 20, fontWeight: 'bold' }));
  parts.graphic.push(
    text(GAP, 42, `Last ${minutes} min up to ${window.end.toISOString()} · data from ${source}`, {
      fontSize: 12,
      fill: MUTED,
    }),
  );
  for (const data of panels) addPanel(parts, data, window);
  const option = {
    animation: false,
    backgroundColor: '#f4f5f8',
    color: PALETTE,
    textStyle: { fontFamily: FONT },
    ...parts,
  } as EChartsOption;
  return { option, width: PREVIEW_WIDTH, height: Math.ceil(bottom + GAP * 2) };
}
