/**
 * Every file the generator writes, rendered in memory: what `generate.ts` writes and what the
 * drift test compares with the committed copies.
 */
import { renderAlertmanagerConfig } from './alertmanager.ts';
import { defaultConfig, type AlertsConfig } from './config.ts';
import { prometheusRuleManifest } from './manifests.ts';
import { renderRuleFiles, type GeneratedFile } from './render.ts';

/**
 * The rule files, the same groups as a PrometheusRule (namespace `monitoring`) and the default
 * Alertmanager config, paths relative to `alerts/`.
 */
export function renderGeneratedFiles(config: AlertsConfig = defaultConfig): GeneratedFile[] {
  const ruleFiles = renderRuleFiles(config);
  return [
    ...ruleFiles,
    { path: 'kubernetes/prometheusrule.yaml', content: prometheusRuleManifest(ruleFiles, 'monitoring') },
    { path: 'alertmanager.yml', content: renderAlertmanagerConfig({}, config) },
  ];
}
