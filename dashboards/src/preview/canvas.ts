/**
 * The canvas a dashboard preview is drawn on: Grafana's 24-column grid mapped to pixels, the
 * ECharts option parts panels add to, and the helpers every panel kind shares (text, colours,
 * field defaults, the time axis).
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Window } from './data.ts';
import { FONT_FAMILY } from './fonts.ts';

/** The rendered picture's width; heights follow the grid. */
export const PREVIEW_WIDTH = 1600;

/** Pixels per grid row (Grafana's is 30 plus margins). */
export const UNIT_HEIGHT = 34;

/** Height of the title block above the grid. */
export const HEADER = 70;

/** Space between panels. */
export const GAP = 6;

/** The font of every text. */
export const FONT = FONT_FAMILY;

/** Colour of text, and of secondary text. */
export const TEXT = '#1f2329';
export const MUTED = '#6e7079';

/** A panel's rectangle on the canvas, in pixels. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** An ECharts graphic element (rectangle, text, line). */
export type Graphic = Record<string, unknown>;

/** The ECharts option arrays a dashboard's panels add to. */
export interface Parts {
  grid: Record<string, unknown>[];
  xAxis: Record<string, unknown>[];
  yAxis: Record<string, unknown>[];
  series: Record<string, unknown>[];
  legend: Record<string, unknown>[];
  graphic: Graphic[];
}

/** Where a panel's grid position puts it on the canvas. */
export function boxOf(gridPos: dashboard.GridPos | undefined): Box {
  const column = PREVIEW_WIDTH / 24;
  const pos = gridPos ?? { x: 0, y: 0, w: 24, h: 8 };
  return {
    x: pos.x * column + GAP,
    y: HEADER + pos.y * UNIT_HEIGHT + GAP,
    w: pos.w * column - 2 * GAP,
    h: pos.h * UNIT_HEIGHT - 2 * GAP,
  };
}

/** A text element in the preview's font. */
export function text(x: number, y: number, content: string, style: Record<string, unknown>): Graphic {
  return {
    type: 'text',
    x,
    y,
    style: { text: content, fontFamily: FONT, fill: TEXT, fontSize: 12, ...style },
  };
}

/** A panel's field defaults (unit, min, max, thresholds, mappings, custom options). */
export function defaults(panel: dashboard.Panel): dashboard.FieldConfig {
  return panel.fieldConfig?.defaults ?? {};
}

/** A Grafana colour name the dashboards use, as the hex value Grafana draws it with. */
export function colorOf(name: string): string {
  const named: Record<string, string> = {
    green: '#56A64B',
    yellow: '#F2CC0C',
    orange: '#FF9830',
    red: '#E02F44',
    'dark-red': '#AD0317',
  };
  return named[name] ?? name;
}

/** The time axis of a chart panel: the preview window, labels spaced for `width` pixels. */
export function timeAxis(axis: number, window: Window, width: number): Record<string, unknown> {
  const short = window.end.getTime() - window.start.getTime() <= 10 * 60_000;
  return {
    type: 'time',
    gridIndex: axis,
    min: window.start.getTime(),
    max: window.end.getTime(),
    splitNumber: Math.max(2, Math.floor(width / (short ? 110 : 90))),
    axisLabel: {
      fontSize: 10,
      color: MUTED,
      fontFamily: FONT,
      formatter: short ? '{HH}:{mm}:{ss}' : '{HH}:{mm}',
    },
    axisLine: { lineStyle: { color: '#c4c6cc' } },
  };
}
