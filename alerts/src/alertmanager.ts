/**
 * Renders the Alertmanager configuration: critical alerts page through PagerDuty's Events API
 * v2, warnings go to a non-paging receiver (webhook, Slack or email), the Watchdog heartbeat to
 * a dead man's switch (a PagerDuty heartbeat or healthchecks-style ping URL). Secrets are never
 * in the config, only the paths of the files holding them; the committed default names files,
 * not placeholder URLs.
 */
import { defaultConfig, type AlertsConfig, type NotificationTimings } from './config.ts';
import { withGrouping } from './promql.ts';
import { toYaml } from './yaml.ts';

/**
 * Where warnings go; none of them pages anyone. A webhook by URL or by a file holding it, Slack
 * (the incoming-webhook URL read from a file), or email through an SMTP smarthost.
 */
export type WarningReceiver =
  | { readonly kind: 'webhook'; readonly url: string }
  | { readonly kind: 'webhook'; readonly urlFile: string }
  | { readonly kind: 'slack'; readonly apiUrlFile: string; readonly channel: string }
  | { readonly kind: 'email'; readonly to: string; readonly from: string; readonly smarthost: string };

/** Where notifications go. Secrets (routing key, URLs with tokens) are only ever file paths. */
export interface AlertmanagerOptions {
  /** File Alertmanager reads the PagerDuty Events API v2 routing key from, at send time. */
  readonly routingKeyFile: string;
  /** Events API v2 endpoint; left out, Alertmanager uses PagerDuty's own. */
  readonly pagerDutyUrl?: string;
  /**
   * The dead man's switch the Watchdog is sent to every minute: a URL (`heartbeatUrl`) or a file
   * holding it (`heartbeatUrlFile`), e.g. a healthchecks.io-style ping URL or a PagerDuty
   * heartbeat's, which raises its own incident when the pings stop. `heartbeatUrl` wins.
   */
  readonly heartbeatUrl?: string;
  readonly heartbeatUrlFile?: string;
  /** Shorthand for a `webhook` warning receiver by URL; `warning` wins when both are given. */
  readonly warningWebhookUrl?: string;
  readonly warning?: WarningReceiver;
}

/**
 * The options of the committed `alerts/alertmanager.yml`: every destination is a file to mount
 * (no placeholder URL that would silently send nowhere).
 */
export const defaultAlertmanagerOptions: AlertmanagerOptions = {
  routingKeyFile: '/etc/alertmanager/secrets/pagerduty-routing-key',
  heartbeatUrlFile: '/etc/alertmanager/secrets/heartbeat-url',
  warning: { kind: 'webhook', urlFile: '/etc/alertmanager/secrets/warning-webhook-url' },
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

function heartbeatReceiver(options: AlertmanagerOptions) {
  const target =
    options.heartbeatUrl !== undefined
      ? { url: options.heartbeatUrl }
      : { url_file: options.heartbeatUrlFile ?? '/etc/alertmanager/secrets/heartbeat-url' };
  return { name: receivers.heartbeat, webhook_configs: [{ ...target, send_resolved: false }] };
}

function warningReceiver(options: AlertmanagerOptions) {
  const warning: WarningReceiver =
    options.warning ??
    (options.warningWebhookUrl !== undefined
      ? { kind: 'webhook', url: options.warningWebhookUrl }
      : { kind: 'webhook', urlFile: '/etc/alertmanager/secrets/warning-webhook-url' });
  const name = receivers.warning;
  if (warning.kind === 'slack') {
    return {
      name,
      slack_configs: [
        {
          api_url_file: warning.apiUrlFile,
          channel: warning.channel,
          send_resolved: true,
          title:
            '[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.service }} ({{ . }}){{ end }}',
          text: '{{ range .Alerts }}{{ .Annotations.summary }} <{{ .Annotations.runbook_url }}|runbook>\n{{ end }}',
        },
      ],
    };
  }
  if (warning.kind === 'email') {
    return {
      name,
      email_configs: [
        { to: warning.to, from: warning.from, smarthost: warning.smarthost, send_resolved: true },
      ],
    };
  }
  const target = 'url' in warning ? { url: warning.url } : { url_file: warning.urlFile };
  return { name, webhook_configs: [{ ...target, send_resolved: true }] };
}

/**
 * The Alertmanager configuration as an object, for callers that adjust it before writing it.
 * Unset options take their defaults from `defaultAlertmanagerOptions`.
 */
export function alertmanagerConfig(
  options: Partial<AlertmanagerOptions> = {},
  config: AlertsConfig = defaultConfig,
): Record<string, unknown> {
  const explicit = options.warning !== undefined || options.warningWebhookUrl !== undefined;
  const explicitHeartbeat = options.heartbeatUrl !== undefined || options.heartbeatUrlFile !== undefined;
  const opts: AlertmanagerOptions = {
    ...defaultAlertmanagerOptions,
    ...options,
    ...(explicit ? { warning: options.warning } : {}),
    ...(explicitHeartbeat ? { heartbeatUrlFile: options.heartbeatUrlFile } : {}),
  };
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
        // On purpose: an alert with no severity, or one this config does not know (info, none
        // outside the Watchdog), is seen by a human on the warning receiver and never pages.
        {
          receiver: receivers.warning,
          matchers: ['severity!~"critical|warning"'],
          ...timings(routing.warning),
        },
      ],
    },
    inhibit_rules: [
      {
        // A dead target explains the other alerts about that target: the same job and instance
        // (in every scrape layout the identity of a target, where `service` may be a target
        // label on one side only). Never the alerts about the service as a whole: one dead
        // replica of a service whose other replicas still serve must not silence its SLO page,
        // nor a queue left without consumers.
        source_matchers: ['alertname="ServiceDown"'],
        target_matchers: [
          'alertname!~"ServiceDown|ErrorBudgetBurnFast|ErrorBudgetBurnSlow|SloNoTraffic|SloRequestsAbsent"',
        ],
        equal: withGrouping(['job', 'instance'], config.groupingLabels),
      },
      {
        // The same alert at critical makes its warning redundant (e.g. a tier that pages and one
        // that tickets for the same cause).
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: withGrouping(
          ['alertname', 'service', 'instance', 'slo', 'messaging_destination_name'],
          config.groupingLabels,
        ),
      },
      {
        source_matchers: ['alertname="CircuitBreakerOpen"'],
        target_matchers: ['alertname="CircuitBreakerFlapping"'],
        equal: withGrouping(['service', 'breaker'], config.groupingLabels),
      },
      {
        source_matchers: ['alertname="ErrorBudgetBurnFast"'],
        target_matchers: ['alertname="ErrorBudgetBurnSlow"'],
        equal: withGrouping(['slo'], config.groupingLabels),
      },
    ],
    receivers: [pagerDutyReceiver(opts), warningReceiver(opts), heartbeatReceiver(opts)],
  };
}

const HEADER =
  'Generated by alerts/src/generate.ts (renderAlertmanagerConfig in alerts/src/alertmanager.ts): do not edit.\nThe PagerDuty routing key, the heartbeat URL and the warning webhook URL are read from files at send time\nand are never in this repository: mount them under /etc/alertmanager/secrets/.';

/** The Alertmanager configuration as YAML; with no options, the committed `alerts/alertmanager.yml`. */
export function renderAlertmanagerConfig(
  options: Partial<AlertmanagerOptions> = {},
  config: AlertsConfig = defaultConfig,
): string {
  return toYaml(alertmanagerConfig(options, config), HEADER);
}
