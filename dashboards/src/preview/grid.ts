/**
 * Puts a series on the preview window's step grid. ECharts stacks series by point index, not by
 * time, so a series that starts later than the one below it (a counter born mid-window) would
 * be stacked on the wrong instants; on a common grid, index and instant agree. A grid instant
 * the series has no point at is `null`: a gap, as Grafana draws missing data.
 */
import type { Window } from './data.ts';

/** `[unix ms, value or null]` at every step of `window`, from `start` to `end`. Pure. */
export function onWindowGrid(
  points: readonly (readonly [number, number])[],
  window: Window,
): [number, number | null][] {
  // Prometheus answers in float seconds; times in ms may come back a hair off the integer.
  const byTime = new Map(points.map(([t, v]) => [Math.round(t), v]));
  const stepMs = window.stepSeconds * 1000;
  const grid: [number, number | null][] = [];
  for (let t = window.start.getTime(); t <= window.end.getTime(); t += stepMs) {
    grid.push([t, byTime.get(t) ?? null]);
  }
  return grid;
}
