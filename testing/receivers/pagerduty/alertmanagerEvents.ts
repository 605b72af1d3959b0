/**
 * Example events in the exact shape Prometheus Alertmanager's PagerDuty v2 notifier sends
 * (notify/pagerduty in Alertmanager 0.25): `dedup_key` is the sha256 hex of the group key,
 * `custom_details` holds the default `firing`/`num_firing`/`num_resolved`/`resolved` strings,
 * `client` and `client_url` name Alertmanager, and empty `links`/`images` are omitted while
 * configured ones always carry all their fields (`alt` and `href` may be empty strings).
 * Used by tests that cannot start Alertmanager itself.
 */
import type { PagerDutyEvent } from './PagerDutyEvent.ts';

/** A 32-character routing key for examples and tests. */
export const EXAMPLE_ROUTING_KEY = 'f3a1c2d4e5b60718293a4b5c6d7e8f90';

/** A trigger as Alertmanager sends it for one firing alert with links and images configured. */
export function alertmanagerTrigger(routingKey = EXAMPLE_ROUTING_KEY): PagerDutyEvent {
  return {
    routing_key: routingKey,
    dedup_key: 'b3c0f3a2d6e94f5e8c4a1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6',
    event_action: 'trigger',
    payload: {
      summary: '[FIRING:1] OrderServiceErrorBudgetBurn (order-service critical)',
      source: 'Alertmanager',
      severity: 'critical',
      custom_details: {
        firing: 'Labels:\n - alertname = OrderServiceErrorBudgetBurn\n - severity = critical\n',
        num_firing: '1',
        num_resolved: '0',
        resolved: '',
      },
    },
    client: 'Alertmanager',
    client_url: 'http://alertmanager.local:9093/#/alerts?receiver=pager',
    images: [{ src: 'http://grafana.local/render/d/faultline.png', alt: '', href: '' }],
    links: [{ href: 'http://runbooks.local/OrderServiceErrorBudgetBurn', text: 'Runbook' }],
  };
}

/** The resolve Alertmanager sends for the same group (it repeats the payload, which PagerDuty ignores). */
export function alertmanagerResolve(routingKey = EXAMPLE_ROUTING_KEY): PagerDutyEvent {
  const trigger = alertmanagerTrigger(routingKey);
  return {
    ...trigger,
    event_action: 'resolve',
    payload: {
      ...trigger.payload!,
      summary: '[RESOLVED] OrderServiceErrorBudgetBurn (order-service critical)',
    },
  };
}
