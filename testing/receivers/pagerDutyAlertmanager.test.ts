/**
 * End to end with the real Prometheus Alertmanager (Debian's prometheus-alertmanager) and amtool:
 * Alertmanager's PagerDuty v2 notifier posts to the receiver, which must accept its trigger and
 * resolve as valid Events API v2 events.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startPagerDutyReceiver, type PagerDutyReceiver } from './pagerDutyReceiver.ts';
import { freePort } from './shared/freePort.ts';
import { pollUntil } from './shared/waitFor.ts';

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
  let dir: string;
  let receiver: PagerDutyReceiver;
  let alertmanager: ChildProcess;
  let alertmanagerUrl: string;
  let logs = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'faultline-alertmanager-'));
    receiver = await startPagerDutyReceiver({ routingKey: ROUTING_KEY });
    const keyFile = path.join(dir, 'routing-key');
    await writeFile(keyFile, ROUTING_KEY);
    const configFile = path.join(dir, 'alertmanager.yml');
    await writeFile(configFile, alertmanagerConfig(receiver.enqueueUrl, keyFile));
    const port = await freePort();
    alertmanagerUrl = `http://127.0.0.1:${port}`;
    alertmanager = spawn('prometheus-alertmanager', [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${alertmanagerUrl}`,
      '--cluster.listen-address=',
    ]);
    alertmanager.stderr?.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    await waitUntilReady(alertmanager, alertmanagerUrl, () => logs);
  });

  afterAll(async () => {
    if (alertmanager.exitCode === null) {
      const exited = new Promise((resolve) => alertmanager.once('exit', resolve));
      alertmanager.kill('SIGTERM');
      await exited;
    }
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the trigger and the resolve Alertmanager sends for an alert', async () => {
    await promisify(execFile)('amtool', [
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

/** Polls `/-/ready`; fails at once, with Alertmanager's log, if the process exits. */
async function waitUntilReady(child: ChildProcess, url: string, logs: () => string): Promise<void> {
  await pollUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`Alertmanager exited (${child.exitCode}):\n${logs()}`);
      const response = await fetch(`${url}/-/ready`).catch(() => undefined);
      return response?.ok === true ? true : undefined;
    },
    () => `Alertmanager at ${url} never became ready; its log:\n${logs()}`,
    { timeoutMs: 20_000, intervalMs: 100 },
  );
}

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
