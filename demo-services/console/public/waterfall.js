/* global document, window */
// Progressive enhancement of the trace page: draws the span table as a waterfall with ECharts
// (one bar per span from its start to its end, by service; errors red, broker hops marked). The
// table stays: it is the page without script.
'use strict';

const COLORS = ['#3b6fb6', '#2f8f5b', '#8a5cc2', '#c27c0e', '#1b8a9a', '#a8456b'];

function spans(table) {
  return [...table.querySelectorAll('tr[data-span]')].map((row) => ({
    label: `${row.dataset.service}: ${row.dataset.operation}`,
    service: row.dataset.service,
    offset: Number(row.dataset.offsetMs),
    duration: Number(row.dataset.durationMs),
    error: row.dataset.error === 'true',
    broker: row.dataset.broker === 'true',
  }));
}

function draw(container, table) {
  const rows = spans(table);
  const services = [...new Set(rows.map((r) => r.service))];
  const color = (r) => (r.error ? '#b3261e' : COLORS[services.indexOf(r.service) % COLORS.length]);
  const total = Math.max(...rows.map((r) => r.offset + r.duration), 1);
  const visible = total / 300;
  const labels = rows.map((r, i) => `${i + 1}. ${r.broker ? '⇄ ' : ''}${r.label}`);
  container.hidden = false;
  container.style.height = `${Math.max(160, rows.length * 24 + 60)}px`;
  const chart = window.echarts.init(container, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    grid: { left: 320, right: 24, top: 8, bottom: 32 },
    tooltip: {
      trigger: 'item',
      // Span names come from the services: escaped, since the tooltip is HTML.
      formatter: (p) =>
        `${window.echarts.format.encodeHTML(labels[p.dataIndex])}<br/>+${rows[p.dataIndex].offset} ms, ${rows[p.dataIndex].duration} ms`,
    },
    xAxis: { type: 'value', name: 'ms', min: 0 },
    yAxis: { type: 'category', inverse: true, data: labels, axisLabel: { width: 300, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        stack: 'span',
        silent: true,
        itemStyle: { color: 'transparent' },
        data: rows.map((r) => r.offset),
      },
      {
        type: 'bar',
        stack: 'span',
        barMinWidth: 2,
        // A span too short to see at the trace's scale is drawn at a visible minimum; the table
        // and the tooltip give its real duration.
        data: rows.map((r) => ({ value: Math.max(r.duration, visible), itemStyle: { color: color(r) } })),
      },
    ],
  });
  container.dataset.drawn = String(rows.length);
}

const table = document.querySelector('[data-span-table]');
const container = document.querySelector('[data-waterfall]');
if (table && container && window.echarts) draw(container, table);
