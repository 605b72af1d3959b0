/**
 * The font the preview draws with (DejaVu Sans from the `dejavu-fonts-ttf` package, so the
 * picture does not depend on the machine's fonts), and text measurement in that font for
 * ECharts' server-side layout. Without it ECharts estimates widths with Arial-like metrics,
 * and DejaVu Sans, being wider, makes legend entries overlap. Widths come from resvg itself:
 * the advance of a character is the width of `H<c>H` minus that of `HH`.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';

/** The font family every text of the preview uses. */
export const FONT_FAMILY = 'DejaVu Sans';

/** The TrueType files of the font, or none when the package is not installed. */
export function fontFiles(): string[] {
  try {
    const resolve = createRequire(path.join(process.cwd(), 'package.json')).resolve;
    const dir = path.join(path.dirname(resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((file) => path.join(dir, file));
  } catch {
    return []; // fall back to the system's fonts
  }
}

/** resvg's font options for the preview. */
export function resvgFontOptions(): {
  fontFiles: string[];
  loadSystemFonts: boolean;
  defaultFontFamily: string;
} {
  const files = fontFiles();
  return { fontFiles: files, loadSystemFonts: files.length === 0, defaultFontFamily: FONT_FAMILY };
}

const MEASURE_SIZE = 100;
const advances = new Map<string, number>(); // `${weight}|${char}` → advance at 1px

function inkWidth(text: string, weight: string): number {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${MEASURE_SIZE * 8}" height="${MEASURE_SIZE * 2}">` +
    `<text x="10" y="${MEASURE_SIZE}" font-family="${FONT_FAMILY}" font-size="${MEASURE_SIZE}" font-weight="${weight}">H${escaped}H</text></svg>`;
  return new Resvg(svg, { font: resvgFontOptions() }).getBBox()?.width ?? 0;
}

function advance(char: string, weight: string): number {
  if (char < ' ') return 0; // control characters (ECharts measures all of ASCII) are not drawn
  const key = `${weight}|${char}`;
  let width = advances.get(key);
  if (width === undefined) {
    width = (inkWidth(char, weight) - inkWidth('', weight)) / MEASURE_SIZE;
    advances.set(key, width);
  }
  return width;
}

/** The width in pixels of `text` in a CSS `font` such as `bold 13px DejaVu Sans`. */
export function measureText(text: string, font: string | undefined): { width: number } {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? 12);
  const weight = /\bbold\b|\b[6-9]00\b/.test(font ?? '') ? 'bold' : 'normal';
  let width = 0;
  for (const char of text) width += advance(char, weight) * size;
  return { width };
}
