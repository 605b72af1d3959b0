/**
 * `npm run dashboards:preview`: renders every dashboard's panels from a real Prometheus
 * (`PROMETHEUS_URL`, default http://127.0.0.1:9090; `PREVIEW_MINUTES`, default 15) to
 * `dashboards/preview/<uid>.png`.
 */
import path from 'node:path';
import { loadPreviewConfig } from './config.ts';
import { renderPreviews } from './preview/renderPreviews.ts';

const config = loadPreviewConfig();
const outDir = path.join(import.meta.dirname, '..', 'preview');
const previews = await renderPreviews({
  prometheusUrl: config.prometheusUrl,
  minutes: config.minutes,
  outDir,
});
for (const preview of previews) {
  const note = preview.empty.length > 0 ? ` — no data in: ${preview.empty.join(', ')}` : '';
  console.log(
    `wrote ${path.relative(process.cwd(), preview.file)} (${Math.round(preview.bytes / 1024)} KiB)${note}`,
  );
}
