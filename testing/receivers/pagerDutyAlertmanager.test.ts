/**
 * End to end with the real Prometheus Alertmanager and amtool (the pinned versions, from backends/):
 * Alertmanager's PagerDuty v2 notifier posts to the receiver, which must accept its trigger and
 * resolve as valid Events API v2 events.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { amtoolPath, startAlertmanager, type RunningServer } from '../../backends/index.ts';
import { startPagerDutyReceiver, type PagerDutyReceiver } from './pagerDutyReceiver.ts';

const ROUTING_KEY = '0123456789abcdef0123456789abcdef';
const ALERT = `FaultlineReceiverTest${process.pid}`;

function alertmanagerConfig(receiverUrl: string, keyFile: string): string {
  return `route:
  receiver: pager
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: pager
    pagerduty_configs:
      - url: ${receiverUrl}
        routing_key_file: ${keyFile}
        severity: '{{ .CommonLabels.severity }}'
        links:
          - href: http://runbooks.local/${ALERT}
            text: Runbook
        images:
          - src: http://grafana.local/render/faultline.png
            alt: error budget
`;
}

describe('PagerDuty receiver with the real Alertmanager', () => {
  let receiver: PagerDutyReceiver;
  let alertmanager: RunningServer;
  let alertmanagerUrl: string;

  beforeAll(async () => {
    receiver = await startPagerDutyReceiver({ routingKey: ROUTING_KEY });
    alertmanager = await startAlertmanager({
      files: (dir) => ({
        'routing-key': ROUTING_KEY,
        'alertmanager.yml': alertmanagerConfig(receiver.enqueueUrl, path.join(dir, 'routing-key')),
      }),
    });
    alertmanagerUrl = alertmanager.url;
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await receiver?.close();
  });

  it('accepts the trigger and the resolve Alertmanager sends for an alert', async () => {
    await promisify(execFile)(amtoolPath(), [
      'alert',
      'add',
      `alertname=${ALERT}`,
      'severity=critical',
      'service=order-service',
      '--annotation=summary=error budget burning',
      `--alertmanager.url=${alertmanagerUrl}`,
    ]);

    const trigger = await receiver.waitForEvent((e) => e.event.event_action === 'trigger', {
      timeoutMs: 20_000,
    });
    expect(trigger.event).toMatchObject({
      routing_key: ROUTING_KEY,
      dedup_key: expect.stringMatching(/^[0-9a-f]{64}$/),
      payload: {
        summary: expect.stringContaining(`[FIRING:1] ${ALERT}`),
        source: 'Alertmanager',
        severity: 'critical',
        custom_details: expect.objectContaining({ num_firing: '1', num_resolved: '0' }),
      },
      client: 'Alertmanager',
      client_url: expect.stringContaining(alertmanagerUrl),
      links: [{ href: `http://runbooks.local/${ALERT}`, text: 'Runbook' }],
      images: [{ src: 'http://grafana.local/render/faultline.png', alt: 'error budget', href: '' }],
    });

    await resolveAlert(alertmanagerUrl);
    const resolve = await receiver.waitForEvent((e) => e.event.event_action === 'resolve', {
      timeoutMs: 20_000,
    });
    expect(resolve.dedupKey).toBe(trigger.dedupKey);
    expect(receiver.rejections()).toEqual([]);
  });
});

/** Re-posts the test alert through the v2 API with an end in the past, so Alertmanager resolves it. */
async function resolveAlert(url: string): Promise<void> {
  const alert = {
    labels: { alertname: ALERT, severity: 'critical', service: 'order-service' },
    annotations: { summary: 'error budget burning' },
    endsAt: new Date(Date.now() - 1000).toISOString(),
  };
  const response = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([alert]),
  });
  if (!response.ok)
    throw new Error(`resolving the alert failed: ${response.status} ${await response.text()}`);
}
