#!/usr/bin/env node
/**
 * `faultline-alerts`: Faultline's alerting files generated with a user's own settings, without
 * editing the repository:
 *
 *   npx faultline-alerts --config my-settings.json --out ./faultline-alerts
 *
 * writes `rules/<component>.rules.yml` (plain Prometheus rule files), `prometheusrule.yaml` (the
 * same groups as one PrometheusRule for the Prometheus Operator) and `alertmanager.yml`. The
 * settings file overrides the defaults of `src/config.ts` key by key (see settings.ts); without
 * --config the defaults are used. Exits 2 with one message on a bad argument or setting.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderAlertFiles } from './files.ts';
import { parseSettings, SettingsError } from './settings.ts';

function fail(message: string): never {
  process.stderr.write(`faultline-alerts: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: { config: { type: 'string' }, out: { type: 'string', default: 'faultline-alerts' } },
});

let raw: unknown = {};
if (values.config !== undefined) {
  try {
    raw = JSON.parse(readFileSync(values.config, 'utf8'));
  } catch (error) {
    fail(`cannot read --config ${values.config} as JSON: ${(error as Error).message}`);
  }
}
let settings;
try {
  settings = parseSettings(raw);
} catch (error) {
  if (error instanceof SettingsError) fail(`${values.config ?? 'settings'}: ${error.message}`);
  throw error;
}

for (const file of renderAlertFiles(settings)) {
  const path = join(values.out, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.content);
  process.stdout.write(`wrote ${path}\n`);
}
