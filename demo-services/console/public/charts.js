/* global document, window */
// Progressive enhancement: draws the live charts with ECharts (served from node_modules). Each
// chart's data comes from /api/charts/<key>, which runs the Grafana panel's own queries on
// Prometheus; the browser never sends a query. Every chart says in words why it is empty when it
// is. The last data drawn is kept on the element as `chartData` for tests and debugging.
'use strict';

const REFRESH_MS = 5000;
const MINUTES = 10;
const STATES = ['closed', 'half-open', 'open'];

// Numbers as the browser's locale writes them, compactly (1.2K, 3.4M, 0.012).
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumSignificantDigits: 3 }).format;

// The Grafana units the dashboards use.
function formatValue(unit, value) {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case 'percentunit':
      return new Intl.NumberFormat(undefined, { style: 'percent', maximumSignificantDigits: 3 }).format(
        value,
      );
    case 's':
      return Math.abs(value) < 1 && value !== 0 ? `${compact(value * 1000)} ms` : `${compact(value)} s`;
    case 'reqps':
      return `${compact(value)} req/s`;
    case 'ops':
      return `${compact(value)}/s`;
    default:
      return compact(value);
  }
}

function faultMarks(data) {
  const areas = data.faults.map((f) => [
    { name: f.label, xAxis: f.from, itemStyle: { color: 'rgba(179, 38, 30, 0.12)' } },
    { xAxis: f.to ?? data.end },
  ]);
  const lines = data.faults.flatMap((f) => [
    { xAxis: f.from, name: `${f.label} injected`, label: { formatter: f.label } },
    ...(f.to ? [{ xAxis: f.to, name: `${f.label} cleared`, label: { formatter: 'cleared' } }] : []),
  ]);
  const label = { position: 'insideEndTop', fontSize: 9, color: '#b3261e' };
  return {
    markArea: { silent: true, label: { show: false }, data: areas },
    markLine: {
      silent: true,
      symbol: 'none',
      label,
      lineStyle: { color: '#b3261e', type: 'dashed' },
      data: lines,
    },
  };
}

// The window starts at the first point (or fault) drawn, so a demo that started a minute ago
// fills the chart instead of its last tenth.
function firstTime(data) {
  const times = [...data.series.map((s) => s.points[0]?.[0]), ...data.faults.map((f) => f.from)];
  const known = times.filter((t) => Number.isFinite(t));
  const first = known.length > 0 ? Math.max(data.start, Math.min(...known)) : data.start;
  // At least a minute across: an axis of one instant would be stretched to days.
  return Math.min(first, data.end - 60_000);
}

function option(data) {
  const states = data.display === 'states';
  const series = data.series.map((s, i) => ({
    name: s.name,
    type: 'line',
    showSymbol: false,
    step: states ? 'end' : false,
    data: s.points,
    ...(i === 0 ? faultMarks(data) : {}),
  }));
  if (data.exemplars.length > 0)
    series.push({
      name: 'exemplars (click: trace)',
      type: 'scatter',
      symbolSize: 6,
      data: data.exemplars.map((e) => ({ value: [e.at, e.value], href: e.href, traceId: e.traceId })),
    });
  if (series.length === 0) series.push({ type: 'line', data: [], ...faultMarks(data) });
  const format = (v) => (states ? (STATES[v] ?? String(v)) : formatValue(data.unit, v));
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 12, bottom: 56 },
    tooltip: { trigger: 'axis', valueFormatter: format },
    legend: { bottom: 0, type: 'scroll', textStyle: { fontSize: 10 } },
    xAxis: {
      type: 'time',
      min: firstTime(data),
      max: data.end,
      splitNumber: 4,
      axisLabel: { hideOverlap: true, fontSize: 10 },
    },
    yAxis: states
      ? { type: 'value', min: 0, max: 2, interval: 1, axisLabel: { formatter: format } }
      : { type: 'value', axisLabel: { formatter: format } },
    series,
  };
}

async function refresh(figure, chart) {
  const status = figure.querySelector('[data-chart-status]');
  try {
    const response = await fetch(
      `/api/charts/${encodeURIComponent(figure.dataset.chart)}?minutes=${MINUTES}`,
      {
        headers: { accept: 'application/json' },
      },
    );
    const data = await response.json();
    if (!response.ok) throw new Error(data.message || `HTTP ${response.status}`);
    figure.chartData = data;
    chart.setOption(option(data), { notMerge: true });
    status.textContent =
      data.series.length === 0 ? 'No data yet: Prometheus has no series for these queries.' : '';
    figure.dataset.updatedAt = String(data.end);
    figure.dataset.seriesCount = String(data.series.length);
  } catch (error) {
    status.textContent = `Could not read this chart: ${error.message}`;
    figure.dataset.error = error.message;
  } finally {
    setTimeout(() => void refresh(figure, chart), REFRESH_MS);
  }
}

function start() {
  if (!window.echarts) return;
  for (const figure of document.querySelectorAll('[data-chart]')) {
    const chart = window.echarts.init(figure.querySelector('[data-chart-canvas]'), null, {
      renderer: 'canvas',
    });
    chart.on('click', (params) => {
      if (params.data && params.data.href) window.location.assign(params.data.href);
    });
    window.addEventListener('resize', () => chart.resize());
    void refresh(figure, chart);
  }
}

start();
