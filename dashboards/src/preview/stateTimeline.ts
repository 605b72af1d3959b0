/**
 * A state timeline panel in the preview, like Grafana's: one band per series, coloured by the
 * state its value maps to, with the states' colours listed below.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { FONT, MUTED, TEXT, colorOf, defaults, text, timeAxis, type Box, type Parts } from './canvas.ts';
import type { PanelData, Window } from './data.ts';
import { measureText } from './fonts.ts';

interface StateApi {
  value(dimension: number): number;
  coord(point: number[]): number[];
  size(dataSize: number[]): number[];
  visual(name: string): string;
}

function stateMappings(panel: dashboard.Panel): { value: number; text: string; color: string }[] {
  const mappings = defaults(panel).mappings ?? [];
  return mappings.flatMap((m) =>
    m.type === 'value'
      ? Object.entries(m.options).map(([value, result]) => ({
          value: Number(value),
          text: result.text ?? value,
          color: colorOf(result.color ?? TEXT),
        }))
      : [],
  );
}

/** Runs of one value in a series: `[start ms, end ms, value]`, split where points are missing. */
function runs(points: readonly (readonly [number, number])[], stepMs: number): [number, number, number][] {
  const result: [number, number, number][] = [];
  for (const [t, v] of points) {
    const last = result.at(-1);
    if (last && last[2] === v && t - last[1] <= stepMs * 1.5) last[1] = t + stepMs;
    else result.push([t, t + stepMs, v]);
  }
  return result;
}

/** Adds a state timeline panel's grid, axes, bands and state legend to `parts`. */
export function stateTimelineChart(
  parts: Parts,
  panel: dashboard.Panel,
  data: PanelData,
  box: Box,
  window: Window,
): void {
  const axis = parts.grid.length;
  const states = stateMappings(panel);
  const rows = data.series.map((s) => s.name);
  const labelWidth = Math.min(
    box.w / 3,
    Math.max(...rows.map((r) => measureText(r, `10px ${FONT}`).width)) + 20,
  );
  parts.grid.push({
    left: box.x + labelWidth,
    top: box.y + 36,
    width: box.w - labelWidth - 18,
    height: box.h - 36 - 50,
  });
  parts.xAxis.push(timeAxis(axis, window, box.w));
  parts.yAxis.push({
    type: 'category',
    gridIndex: axis,
    data: rows,
    axisLabel: { fontSize: 10, color: TEXT, fontFamily: FONT },
    axisTick: { show: false },
  });
  const stepMs = window.stepSeconds * 1000;
  parts.series.push({
    type: 'custom',
    xAxisIndex: axis,
    yAxisIndex: axis,
    encode: { x: [0, 1], y: 2 },
    renderItem: (_: unknown, api: StateApi) => {
      const [x1 = 0, y = 0] = api.coord([api.value(0), api.value(2)]);
      const [x2 = 0] = api.coord([api.value(1), api.value(2)]);
      const height = (api.size([0, 1])[1] ?? 0) * 0.7;
      return {
        type: 'rect',
        shape: { x: x1, y: y - height / 2, width: x2 - x1, height },
        style: { fill: api.visual('color') },
      };
    },
    data: data.series.flatMap((s, row) =>
      runs(s.points, stepMs).map(([start, end, value]) => ({
        value: [start, end, row, value],
        itemStyle: { color: states.find((state) => state.value === value)?.color ?? MUTED },
      })),
    ),
  });
  let x = box.x + labelWidth;
  for (const state of states) {
    parts.graphic.push({
      type: 'rect',
      shape: { x, y: box.y + box.h - 24, width: 12, height: 8, r: 2 },
      style: { fill: state.color },
    });
    parts.graphic.push(text(x + 16, box.y + box.h - 26, state.text, { fontSize: 10 }));
    x += 30 + measureText(state.text, `10px ${FONT}`).width;
  }
}
