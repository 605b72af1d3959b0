/**
 * Every file the generator writes, rendered in memory: what `generate.ts` writes and what the
 * drift test compares with the committed copies.
 */
import { renderAlertmanagerConfig } from './alertmanager.ts';
import { defaultConfig, type AlertsConfig } from './config.ts';
import { renderRuleFiles, type GeneratedFile } from './render.ts';

/** The rule files and the default Alertmanager config, paths relative to `alerts/`. */
export function renderGeneratedFiles(config: AlertsConfig = defaultConfig): GeneratedFile[] {
  return [
    ...renderRuleFiles(config),
    { path: 'alertmanager.yml', content: renderAlertmanagerConfig({}, config) },
  ];
}
