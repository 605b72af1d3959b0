/**
 * `@faultline/alerts` exposes the renderers other workspaces (the end-to-end paging test, the
 * demo) use to write rules and an Alertmanager config for their own environment.
 */
import * as alerts from '@faultline/alerts';
import { renderGeneratedFiles } from '../src/generated.ts';

describe('@faultline/alerts', () => {
  it('renders the committed files through its public surface', () => {
    expect(alerts.renderGeneratedFiles()).toEqual(renderGeneratedFiles());
  });

  it('renders an Alertmanager config for another environment: key file, sink URLs', () => {
    const yaml = alerts.renderAlertmanagerConfig({
      routingKeyFile: '/run/secrets/pd-key',
      pagerDutyUrl: 'http://127.0.0.1:4000/v2/enqueue',
      heartbeatUrl: 'http://127.0.0.1:4000/heartbeat',
      warningWebhookUrl: 'http://127.0.0.1:4000/warnings',
    });
    expect(yaml).toContain('routing_key_file: /run/secrets/pd-key');
    expect(yaml).toContain('url: http://127.0.0.1:4000/v2/enqueue');
    expect(yaml).toContain('url: http://127.0.0.1:4000/heartbeat');
    expect(yaml).toContain('url: http://127.0.0.1:4000/warnings');
  });

  it('renders rules for another configuration, e.g. a shorter breaker delay for a fast test', () => {
    const config = {
      ...alerts.defaultConfig,
      thresholds: { ...alerts.defaultConfig.thresholds, breakerOpenFor: '5s' as const },
    };
    const file = alerts.renderRuleFiles(config).find((f) => f.path === 'rules/circuit-breakers.rules.yml');
    expect(file?.content).toMatch(/alert: CircuitBreakerOpen\n.*\n\s+for: 5s/);
  });
});
