/**
 * Everything Faultline's alerting ships, rendered with a user's settings: the plain rule files,
 * the same groups as a PrometheusRule, and the Alertmanager configuration. What `faultline-alerts`
 * and `faultline-mixin` write.
 */
import { renderAlertmanagerConfig } from './alertmanager.ts';
import { prometheusRuleManifest } from './manifests.ts';
import { renderRuleFiles, type GeneratedFile } from './render.ts';
import type { Settings } from './settings.ts';

/** `rules/<component>.rules.yml`, `prometheusrule.yaml`, `alertmanager.yml`. */
export function renderAlertFiles(settings: Settings): GeneratedFile[] {
  const ruleFiles = renderRuleFiles(settings.config);
  return [
    ...ruleFiles,
    { path: 'prometheusrule.yaml', content: prometheusRuleManifest(ruleFiles, settings.namespace) },
    { path: 'alertmanager.yml', content: renderAlertmanagerConfig(settings.alertmanager, settings.config) },
  ];
}
