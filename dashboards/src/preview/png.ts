/**
 * Turns an ECharts option into a PNG without a browser: ECharts renders SVG server-side, and
 * resvg (a prebuilt binary shipped in its npm package) rasterises it in the font of fonts.ts.
 */
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { measureText, resvgFontOptions } from './fonts.ts';

// ECharts lays text out with widths measured in the font resvg will draw.
echarts.setPlatformAPI({ measureText });

/** The SVG ECharts draws for `option` on a `width` × `height` canvas. */
export function renderSvg(option: EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** `svg` as a PNG. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { font: resvgFontOptions(), background: '#f4f5f8' });
  return resvg.render().asPng();
}
