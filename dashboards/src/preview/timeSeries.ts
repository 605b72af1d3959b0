/**
 * A time series panel in the preview: one line per series (stacked when the panel stacks), a
 * value axis in the panel's unit, dashed threshold lines, and a legend below.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { FONT, MUTED, TEXT, colorOf, defaults, timeAxis, type Box, type Parts } from './canvas.ts';
import type { PanelData, PanelSeries, Window } from './data.ts';
import { measureText } from './fonts.ts';
import { formatValue } from './format.ts';
import { onWindowGrid } from './grid.ts';

const LEGEND_LIMIT = 12;

function legendHeight(names: readonly string[], width: number): number {
  let lines = 1;
  let used = 0;
  for (const name of names.slice(0, LEGEND_LIMIT)) {
    const item = 22 + measureText(name, `10px ${FONT}`).width;
    if (used + item > width && used > 0) {
      lines += 1;
      used = 0;
    }
    used += item;
  }
  return lines * 16;
}

function thresholdLines(panel: dashboard.Panel): Record<string, unknown> | undefined {
  const mode = (defaults(panel).custom as { thresholdsStyle?: { mode?: string } } | undefined)
    ?.thresholdsStyle?.mode;
  const steps = (defaults(panel).thresholds?.steps ?? []).filter((s) => s.value !== null);
  if (!mode || mode === 'off' || steps.length === 0) return undefined;
  return {
    symbol: 'none',
    silent: true,
    label: { show: false },
    data: steps.map((s) => ({
      yAxis: s.value,
      lineStyle: { color: colorOf(s.color), type: 'dashed', width: 1 },
    })),
  };
}

/** Adds a time series panel's grid, axes, series and legend to `parts`. */
export function timeSeriesChart(
  parts: Parts,
  panel: dashboard.Panel,
  data: PanelData,
  box: Box,
  window: Window,
): void {
  const axis = parts.grid.length;
  const names = [...new Set(data.series.map((s) => s.name))];
  const legendH = legendHeight(names, box.w - 16);
  const unit = defaults(panel).unit;
  const custom = (defaults(panel).custom ?? {}) as { stacking?: { mode?: string } };
  const stacked = custom.stacking?.mode === 'normal';
  parts.grid.push({
    left: box.x + 64,
    top: box.y + 36,
    width: box.w - 82,
    height: box.h - 36 - 26 - legendH,
  });
  parts.xAxis.push(timeAxis(axis, window, box.w));
  parts.yAxis.push({
    type: 'value',
    gridIndex: axis,
    splitNumber: 3,
    min: defaults(panel).min,
    max: defaults(panel).max,
    axisLabel: {
      fontSize: 10,
      color: MUTED,
      fontFamily: FONT,
      formatter: (v: number) => formatValue(unit, v),
    },
    splitLine: { lineStyle: { color: '#eceef2' } },
  });
  data.series.forEach((s: PanelSeries, index) => {
    parts.series.push({
      type: 'line',
      name: `${axis}|${s.name}`,
      xAxisIndex: axis,
      yAxisIndex: axis,
      data: onWindowGrid(s.points, window),
      showSymbol: false,
      lineStyle: { width: 1.5 },
      ...(stacked ? { stack: `stack${axis}`, areaStyle: { opacity: 0.35 } } : {}),
      ...(index === 0 ? { markLine: thresholdLines(panel) } : {}),
    });
  });
  parts.legend.push({
    data: names.slice(0, LEGEND_LIMIT).map((name) => `${axis}|${name}`),
    formatter: (name: string) => name.slice(name.indexOf('|') + 1),
    left: box.x + 8,
    top: box.y + box.h - legendH - 6,
    width: box.w - 16,
    itemWidth: 12,
    itemHeight: 8,
    itemGap: 10,
    icon: 'roundRect',
    textStyle: { fontSize: 10, color: TEXT, fontFamily: FONT },
  });
}
