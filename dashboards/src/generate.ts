/**
 * `npm run dashboards:generate`: renders every dashboard, checks the JSON against the
 * Foundation SDK's types, and writes `dashboards/<name>.json` and the same dashboards as
 * Grafana-sidecar ConfigMaps in `dashboards/kubernetes/configmaps.yaml`. Writes nothing if any
 * dashboard does not conform. Commit the result; the drift test compares it with the generator.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadDashboardsConfig } from './config.ts';
import { dashboardConfigMaps } from './configMaps.ts';
import { renderDashboards } from './render.ts';
import { checkAgainstSdkTypes } from './validate/sdkTypes.ts';

const dashboardsDir = path.join(import.meta.dirname, '..');
const rendered = renderDashboards(loadDashboardsConfig());
const problems = checkAgainstSdkTypes(
  rendered.map((r) => ({ file: r.file, json: JSON.parse(r.text) as unknown })),
  dashboardsDir,
);
if (problems.length > 0) {
  console.error(
    `Dashboards do not match the Foundation SDK's types; nothing written:\n- ${problems.join('\n- ')}`,
  );
  process.exitCode = 1;
} else {
  for (const r of rendered) {
    await writeFile(path.join(dashboardsDir, r.file), r.text);
    console.log(`wrote dashboards/${r.file} (${r.uid}, ${r.dashboard.panels?.length ?? 0} panels)`);
  }
  await writeFile(
    path.join(dashboardsDir, 'kubernetes', 'configmaps.yaml'),
    dashboardConfigMaps(rendered, 'monitoring'),
  );
  console.log('wrote dashboards/kubernetes/configmaps.yaml');
}
