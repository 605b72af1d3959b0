/**
 * Renders the Alertmanager configuration: critical alerts page through PagerDuty's Events API
 * v2, warnings go to a non-paging webhook, the Watchdog heartbeat to a dead-man's-switch
 * webhook. The routing key is never in the config, only the path of the file holding it.
 */
import { defaultConfig, type AlertsConfig, type NotificationTimings } from './config.ts';
import { toYaml } from './yaml.ts';

/** Where notifications go. Only `routingKeyFile` is a secret's location; the rest are URLs. */
export interface AlertmanagerOptions {
  /** File Alertmanager reads the PagerDuty Events API v2 routing key from, at send time. */
  readonly routingKeyFile: string;
  /** Events API v2 endpoint; left out, Alertmanager uses PagerDuty's own. */
  readonly pagerDutyUrl?: string;
  /** Webhook the Watchdog heartbeat is sent to (a dead-man's switch). */
  readonly heartbeatUrl: string;
  /** Webhook warnings are sent to; it must not page anyone. */
  readonly warningWebhookUrl: string;
}

/** The options of the committed `alerts/alertmanager.yml`. */
export const defaultAlertmanagerOptions: AlertmanagerOptions = {
  routingKeyFile: '/etc/alertmanager/secrets/pagerduty-routing-key',
  heartbeatUrl: 'http://127.0.0.1:9095/heartbeat',
  warningWebhookUrl: 'http://127.0.0.1:9095/warnings',
};

/** Receiver names, for routing tests. */
export const receivers = {
  pager: 'pagerduty',
  warning: 'warnings',
  heartbeat: 'heartbeat',
} as const;

function timings(t: NotificationTimings) {
  return { group_wait: t.groupWait, group_interval: t.groupInterval, repeat_interval: t.repeatInterval };
}

function pagerDutyReceiver(options: AlertmanagerOptions) {
  return {
    name: receivers.pager,
    pagerduty_configs: [
      {
        routing_key_file: options.routingKeyFile,
        ...(options.pagerDutyUrl === undefined ? {} : { url: options.pagerDutyUrl }),
        send_resolved: true,
        client: 'Faultline Alertmanager',
        client_url: '{{ .ExternalURL }}',
        description:
          '{{ .CommonLabels.alertname }}{{ with .CommonLabels.service }} ({{ . }}){{ end }}: {{ (index .Alerts 0).Annotations.summary }}{{ if gt (len .Alerts) 1 }} ({{ len .Alerts }} alerts){{ end }}',
        severity: '{{ if eq .CommonLabels.severity "critical" }}critical{{ else }}warning{{ end }}',
        class: '{{ .CommonLabels.alertname }}',
        component: '{{ .CommonLabels.service }}',
        group: 'faultline',
        details: {
          alertname: '{{ .CommonLabels.alertname }}',
          service: '{{ .CommonLabels.service }}',
          severity: '{{ .CommonLabels.severity }}',
          labels: '{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}',
          description: '{{ range .Alerts }}{{ .Annotations.description }} {{ end }}',
        },
        links: [
          { href: '{{ .CommonAnnotations.runbook_url }}', text: 'Runbook' },
          { href: '{{ .CommonAnnotations.dashboard_url }}', text: 'Dashboard' },
        ],
      },
    ],
  };
}

function webhookReceiver(name: string, url: string, sendResolved: boolean) {
  return { name, webhook_configs: [{ url, send_resolved: sendResolved }] };
}

/**
 * The Alertmanager configuration as an object, for callers that adjust it before writing it.
 * Unset options take their defaults from `defaultAlertmanagerOptions`.
 */
export function alertmanagerConfig(
  options: Partial<AlertmanagerOptions> = {},
  config: AlertsConfig = defaultConfig,
): Record<string, unknown> {
  const opts: AlertmanagerOptions = { ...defaultAlertmanagerOptions, ...options };
  const { routing } = config;
  return {
    route: {
      receiver: receivers.warning,
      group_by: [...routing.groupBy],
      ...timings(routing.warning),
      routes: [
        { receiver: receivers.heartbeat, matchers: ['alertname="Watchdog"'], ...timings(routing.heartbeat) },
        { receiver: receivers.pager, matchers: ['severity="critical"'], ...timings(routing.critical) },
        { receiver: receivers.warning, matchers: ['severity="warning"'], ...timings(routing.warning) },
      ],
    },
    inhibit_rules: [
      {
        // A service that is down explains every other alert about it. Only a ServiceDown that
        // names a service inhibits: two alerts both lacking the label would count as "equal".
        source_matchers: ['alertname="ServiceDown"', 'service=~".+"'],
        target_matchers: ['alertname!="ServiceDown"'],
        equal: ['service'],
      },
      {
        source_matchers: ['alertname="CircuitBreakerOpen"'],
        target_matchers: ['alertname="CircuitBreakerFlapping"'],
        equal: ['service', 'breaker'],
      },
      {
        source_matchers: ['alertname="ErrorBudgetBurnFast"'],
        target_matchers: ['alertname="ErrorBudgetBurnSlow"'],
        equal: ['slo'],
      },
    ],
    receivers: [
      pagerDutyReceiver(opts),
      webhookReceiver(receivers.warning, opts.warningWebhookUrl, true),
      webhookReceiver(receivers.heartbeat, opts.heartbeatUrl, false),
    ],
  };
}

const HEADER =
  'Generated by alerts/src/generate.ts (renderAlertmanagerConfig in alerts/src/alertmanager.ts): do not edit.\nThe PagerDuty routing key is read from routing_key_file at send time and is never in this repository.';

/** The Alertmanager configuration as YAML; with no options, the committed `alerts/alertmanager.yml`. */
export function renderAlertmanagerConfig(
  options: Partial<AlertmanagerOptions> = {},
  config: AlertsConfig = defaultConfig,
): string {
  return toYaml(alertmanagerConfig(options, config), HEADER);
}
