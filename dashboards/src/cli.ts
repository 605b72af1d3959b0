#!/usr/bin/env node
/**
 * `faultline-mixin`: everything Faultline's monitoring ships, generated with a user's own
 * settings by one command, without editing the repository:
 *
 *   npx faultline-mixin --config my-settings.json --out ./faultline-monitoring
 *
 * writes `alerts/rules/<component>.rules.yml`, `alerts/prometheusrule.yaml`,
 * `alerts/alertmanager.yml`, `dashboards/<name>.json` and `dashboards/configmaps.yaml` (the
 * dashboards as Grafana-sidecar ConfigMaps), all from the one config point with the settings
 * merged onto it (see @faultline/alerts' settings.ts). Exits 2 with one message on a bad setting.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSettings, renderAlertFiles, SettingsError, type Settings } from '@faultline/alerts';
import { useSettingsFile } from './config/settingsFile.ts';

function fail(message: string): never {
  process.stderr.write(`faultline-mixin: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: { config: { type: 'string' }, out: { type: 'string', default: 'faultline-monitoring' } },
});

let settings: Settings;
try {
  settings = parseSettings(
    values.config === undefined ? {} : JSON.parse(readFileSync(values.config, 'utf8')),
  );
} catch (error) {
  if (error instanceof SettingsError || error instanceof SyntaxError)
    fail(`${values.config}: ${error.message}`);
  throw error;
}
// The dashboards read the shared config when their modules load: hand them the same file first.
if (values.config !== undefined) useSettingsFile(resolve(values.config));
const { loadDashboardsConfig } = await import('./config.ts');
const { renderDashboards } = await import('./render.ts');
const { dashboardConfigMaps } = await import('./configMaps.ts');

const rendered = renderDashboards(
  loadDashboardsConfig({ FAULTLINE_RUNBOOK_BASE_URL: settings.config.runbookBaseUrl }),
);
const files = [
  ...renderAlertFiles(settings).map((f) => ({ path: join('alerts', f.path), content: f.content })),
  ...rendered.map((r) => ({ path: join('dashboards', r.file), content: r.text })),
  { path: join('dashboards', 'configmaps.yaml'), content: dashboardConfigMaps(rendered, settings.namespace) },
];
for (const file of files) {
  const path = join(values.out, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.content);
  process.stdout.write(`wrote ${path}\n`);
}
