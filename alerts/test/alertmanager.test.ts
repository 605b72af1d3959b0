/**
 * alerts/alertmanager.yml: valid for amtool, every alert routed to the receiver its severity
 * says, and — with a real Alertmanager — pages reaching PagerDuty's Events API v2 with the
 * routing key read from its file, warnings and the heartbeat reaching their webhooks, and
 * ServiceDown holding back the other alerts of the dead target only.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { amtoolPath } from '../../backends/index.ts';
import { alertmanagerConfig, receivers, renderAlertmanagerConfig } from '../src/alertmanager.ts';
import { defaultConfig, type AlertsConfig } from '../src/config.ts';
import {
  makeAlertmanagerDir,
  startAlertmanager,
  type AlertmanagerProcess,
} from './support/alertmanagerProcess.ts';
import { alertsPath } from './support/paths.ts';
import { pollUntil } from './support/poll.ts';
import { loadAlertRules } from './support/ruleFiles.ts';
import { startWebhookSink, type ReceivedRequest, type WebhookSink } from './support/webhookSink.ts';

const run = promisify(execFile);
const committedConfig = alertsPath('alertmanager.yml');

/** Runs the pinned amtool; resolves with its standard output, or rejects with everything it printed. */
async function amtool(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(amtoolPath(), args);
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`amtool ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

/** The receiver amtool routes a label set to, in the committed config. */
async function routeOf(labels: Record<string, string>): Promise<string> {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}=${value}`);
  const output = await amtool('config', 'routes', 'test', `--config.file=${committedConfig}`, ...pairs);
  return output.trim();
}

describe('alerts/alertmanager.yml with amtool', () => {
  it('passes amtool check-config', async () => {
    expect(await amtool('check-config', committedConfig)).toMatch(/SUCCESS/);
  });

  it('passes amtool check-config when rendered for another environment', async () => {
    const dir = await makeAlertmanagerDir();
    try {
      const file = join(dir, 'alertmanager.yml');
      await writeFile(
        file,
        renderAlertmanagerConfig({
          routingKeyFile: join(dir, 'key'),
          pagerDutyUrl: 'http://127.0.0.1:1/v2/enqueue',
          heartbeatUrl: 'http://127.0.0.1:1/heartbeat',
          warningWebhookUrl: 'http://127.0.0.1:1/warnings',
        }),
      );
      expect(await amtool('check-config', file)).toMatch(/SUCCESS/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ships no placeholder URL: every destination but PagerDuty itself is a file to mount', () => {
    const text = readFileSync(committedConfig, 'utf8');
    expect(text).not.toMatch(/\burl: https?:/);
    expect(text).toMatch(/url_file: \/etc\/alertmanager\/secrets\/warning-webhook-url/);
    expect(text).toMatch(/url_file: \/etc\/alertmanager\/secrets\/heartbeat-url/);
  });

  it.each([
    ['a Slack channel', { kind: 'slack', apiUrlFile: '/etc/am/slack-url', channel: '#ops' }, 'slack_configs'],
    [
      'email',
      { kind: 'email', to: 'ops@example.org', from: 'am@example.org', smarthost: 'smtp.example.org:587' },
      'email_configs',
    ],
    ['a webhook by URL', { kind: 'webhook', url: 'https://hooks.example.org/faultline' }, 'webhook_configs'],
  ] as const)(
    'sends warnings to %s when configured so, and amtool accepts it',
    async (_what, warning, key) => {
      const config = alertmanagerConfig({
        routingKeyFile: '/etc/am/key',
        heartbeatUrl: 'https://hc.example.org/ping/x',
        warning,
      });
      const receiversList = config.receivers as Array<Record<string, unknown>>;
      const warnings = receiversList.find((r) => r.name === receivers.warning);
      expect(Object.keys(warnings ?? {})).toEqual(['name', key]);
      const dir = await makeAlertmanagerDir();
      try {
        const file = join(dir, 'alertmanager.yml');
        await writeFile(
          file,
          renderAlertmanagerConfig({
            routingKeyFile: '/etc/am/key',
            heartbeatUrl: 'https://hc.example.org/ping/x',
            warning,
          }),
        );
        await expect(amtool('check-config', file)).resolves.toMatch(/SUCCESS/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('holds no PagerDuty key, only the path of the file holding it', () => {
    const text = readFileSync(committedConfig, 'utf8');
    expect(text).toMatch(/routing_key_file: \/etc\/alertmanager\/secrets\/pagerduty-routing-key/);
    expect(text).not.toMatch(/routing_key:|service_key:/);
  });

  const expectedReceiver = (severity: string | undefined, alertname: string): string =>
    alertname === 'Watchdog'
      ? receivers.heartbeat
      : severity === 'critical'
        ? receivers.pager
        : receivers.warning;

  it.each(loadAlertRules().map((rule) => [`${rule.alert} ${JSON.stringify(rule.labels)}`, rule]))(
    'routes %s to the receiver its severity says',
    async (_name, rule) => {
      const route = await routeOf({ alertname: rule.alert, service: 'payment-service', ...rule.labels });
      expect(route).toBe(expectedReceiver(rule.labels.severity, rule.alert));
    },
  );

  it.each([
    [
      'a critical alert',
      { alertname: 'ServiceDown', severity: 'critical', service: 'gateway' },
      receivers.pager,
    ],
    [
      'a warning',
      { alertname: 'RetryStorm', severity: 'warning', service: 'payment-service' },
      receivers.warning,
    ],
    [
      'the Watchdog, even if someone labels it critical',
      { alertname: 'Watchdog', severity: 'critical' },
      receivers.heartbeat,
    ],
    [
      'an alert without severity (never pages)',
      { alertname: 'SomethingNew', service: 'gateway' },
      receivers.warning,
    ],
    [
      'an alert with an unknown severity (never pages)',
      { alertname: 'SomethingNew', severity: 'info' },
      receivers.warning,
    ],
  ])('routes %s', async (_what, labels, receiver) => {
    expect(await routeOf(labels)).toBe(receiver);
  });
});

/** The config with every wait shortened, so a real Alertmanager notifies within a second. */
const fastConfig: AlertsConfig = {
  ...defaultConfig,
  routing: {
    groupBy: defaultConfig.routing.groupBy,
    critical: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
    warning: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
    heartbeat: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
  },
};

const ROUTING_KEY = `faultline-test-${process.pid}-0123456789abcdef`;

function annotationsFor(alertname: string, summary: string): Record<string, string> {
  return {
    summary,
    description: `${summary} (test)`,
    runbook_url: `${defaultConfig.runbookBaseUrl}/${alertname}.md`,
    dashboard_url: `${defaultConfig.grafanaBaseUrl}/d/${defaultConfig.dashboards.faultTolerance}`,
  };
}

describe('alerts/alertmanager.yml in a real Alertmanager', () => {
  let sink: WebhookSink;
  let am: AlertmanagerProcess;

  beforeAll(async () => {
    sink = await startWebhookSink();
    const dir = await makeAlertmanagerDir();
    const routingKeyFile = join(dir, 'pagerduty-routing-key');
    await writeFile(routingKeyFile, `${ROUTING_KEY}\n`);
    const config = renderAlertmanagerConfig(
      {
        routingKeyFile,
        pagerDutyUrl: `${sink.url}/v2/enqueue`,
        heartbeatUrl: `${sink.url}/heartbeat`,
        warningWebhookUrl: `${sink.url}/warnings`,
      },
      fastConfig,
    );
    am = await startAlertmanager(dir, config);
  });

  afterAll(async () => {
    await am?.stop();
    await sink?.close();
  });

  const received = (path: string, match: (body: Record<string, unknown>) => boolean) => () =>
    sink.received.find((r: ReceivedRequest) => r.path === path && match(r.body));

  it('pages PagerDuty with the key from routing_key_file, the runbook and dashboard links, and resolves', async () => {
    const labels = {
      alertname: 'CircuitBreakerOpen',
      severity: 'critical',
      service: 'pager-test-service',
      breaker: 'payment-provider',
      instance: 'pager-test-service-1:9464',
    };
    const annotations = annotationsFor('CircuitBreakerOpen', 'Circuit breaker payment-provider is open.');
    await am.post([{ labels, annotations }]);

    const isOurs = (body: Record<string, unknown>) =>
      (body.payload as { component?: string } | undefined)?.component === 'pager-test-service';
    const trigger = await pollUntil('the PagerDuty trigger', received('/v2/enqueue', isOurs));
    expect(trigger.body).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      client: 'Faultline Alertmanager',
      client_url: am.url,
      payload: {
        summary: 'CircuitBreakerOpen (pager-test-service): Circuit breaker payment-provider is open.',
        severity: 'critical',
        class: 'CircuitBreakerOpen',
        component: 'pager-test-service',
        group: 'faultline',
        custom_details: expect.objectContaining({
          alertname: 'CircuitBreakerOpen',
          service: 'pager-test-service',
          severity: 'critical',
        }),
      },
      links: [
        { href: annotations.runbook_url, text: 'Runbook' },
        { href: annotations.dashboard_url, text: 'Dashboard' },
      ],
    });
    expect(typeof trigger.body.dedup_key).toBe('string');

    await am.post([{ labels, annotations, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    const resolve = await pollUntil(
      'the PagerDuty resolve',
      received(
        '/v2/enqueue',
        (body) => body.event_action === 'resolve' && body.dedup_key === trigger.body.dedup_key,
      ),
    );
    expect(resolve.body.routing_key).toBe(ROUTING_KEY);
  });

  it('sends warnings to the warning webhook, never to PagerDuty', async () => {
    const labels = {
      alertname: 'RetryStorm',
      severity: 'warning',
      service: 'warning-test-service',
      operation: 'charge',
    };
    await am.post([{ labels, annotations: annotationsFor('RetryStorm', 'Retry storm.') }]);
    const hasOurAlert = (body: Record<string, unknown>) =>
      (body.commonLabels as Record<string, string> | undefined)?.service === 'warning-test-service';
    const warning = await pollUntil('the warning webhook', received('/warnings', hasOurAlert));
    expect(warning.body).toMatchObject({ receiver: receivers.warning, status: 'firing' });
    expect(
      sink.received.filter(
        (r) => r.path === '/v2/enqueue' && JSON.stringify(r.body).includes('warning-test-service'),
      ),
    ).toEqual([]);
  });

  it('sends the Watchdog to the heartbeat webhook, never to PagerDuty', async () => {
    await am.post([
      {
        labels: { alertname: 'Watchdog', severity: 'none' },
        annotations: annotationsFor('Watchdog', 'Heartbeat.'),
      },
    ]);
    const heartbeat = await pollUntil(
      'the heartbeat webhook',
      received(
        '/heartbeat',
        (body) => (body.commonLabels as Record<string, string>).alertname === 'Watchdog',
      ),
    );
    expect(heartbeat.body).toMatchObject({ receiver: receivers.heartbeat, status: 'firing' });
    expect(
      sink.received.filter((r) => r.path === '/v2/enqueue' && JSON.stringify(r.body).includes('Watchdog')),
    ).toEqual([]);
  });

  /** Alertmanager's view of the alert whose labels include `labels`, once it has one. */
  async function statusOf(labels: Record<string, string>): Promise<ApiStatus> {
    const alert = await pollUntil(`alert ${JSON.stringify(labels)} in Alertmanager`, async () =>
      (await am.alerts()).find((a) =>
        Object.entries(labels).every(([name, value]) => a.labels[name] === value),
      ),
    );
    return { state: alert.status?.state ?? '', inhibited: (alert.status?.inhibitedBy ?? []).length > 0 };
  }

  it('holds back the other alerts of the dead target only (same job and instance), never its service-wide alerts', async () => {
    const target = { job: 'faultline-services', instance: 'inhibit-a-1:9464' };
    const collector = { job: 'otel-collector', instance: 'inhibit-collector:8888' };
    await am.post([
      { labels: { alertname: 'ServiceDown', severity: 'critical', service: 'inhibit-a', ...target } },
      // Of the dead replica: explained by it.
      {
        labels: {
          alertname: 'CircuitBreakerFlapping',
          severity: 'warning',
          service: 'inhibit-a',
          breaker: 'payment-provider',
          ...target,
        },
      },
      // The same breaker on the replica that still serves: its own cause.
      {
        labels: {
          alertname: 'CircuitBreakerOpen',
          severity: 'critical',
          service: 'inhibit-a',
          breaker: 'payment-provider',
          job: 'faultline-services',
          instance: 'inhibit-a-2:9464',
        },
      },
      // About the service as a whole: not explained by one dead replica.
      {
        labels: { alertname: 'RetryStorm', severity: 'warning', service: 'inhibit-a', operation: 'charge' },
      },
      {
        labels: {
          alertname: 'QueueNoConsumers',
          severity: 'critical',
          service: 'inhibit-a',
          messaging_system: 'rabbitmq',
          messaging_destination_name: 'inhibit.queue',
        },
      },
      // A target named by its job alone (one job per service, no service label) inhibits too:
      // the Collector down explains its own telemetry alerts.
      { labels: { alertname: 'ServiceDown', severity: 'critical', ...collector } },
      {
        labels: {
          alertname: 'TelemetryPipelineDegraded',
          severity: 'warning',
          cause: 'collector_send_failed',
          exporter: 'otlp/jaeger',
          ...collector,
        },
      },
    ]);

    await pollUntil('the inhibition to apply', async () =>
      (await statusOf({ alertname: 'TelemetryPipelineDegraded', instance: collector.instance })).inhibited
        ? true
        : undefined,
    );
    const suppressed = { state: 'suppressed', inhibited: true };
    const active = { state: 'active', inhibited: false };
    expect(await statusOf({ alertname: 'CircuitBreakerFlapping', instance: target.instance })).toEqual(
      suppressed,
    );
    expect(await statusOf({ alertname: 'CircuitBreakerOpen', instance: 'inhibit-a-2:9464' })).toEqual(active);
    expect(await statusOf({ alertname: 'RetryStorm', service: 'inhibit-a' })).toEqual(active);
    expect(await statusOf({ alertname: 'QueueNoConsumers', service: 'inhibit-a' })).toEqual(active);
    expect(await statusOf({ alertname: 'ServiceDown', instance: target.instance })).toEqual(active);
  });

  it("does not let a dead replica silence its service's SLO page, and lets a critical hold back the same alert's warning", async () => {
    await am.post([
      {
        labels: {
          alertname: 'ServiceDown',
          severity: 'critical',
          service: 'inhibit-d',
          instance: 'inhibit-d-1:9464',
          job: 'faultline-services',
        },
      },
      {
        labels: {
          alertname: 'ErrorBudgetBurnFast',
          severity: 'critical',
          slo: 'inhibit-d-slo',
          service: 'inhibit-d',
          long_window: '1h',
          short_window: '5m',
        },
      },
      // The same alert at both severities (a paging tier and a ticket tier of one cause).
      { labels: { alertname: 'DiskFilling', severity: 'critical', service: 'inhibit-e' } },
      { labels: { alertname: 'DiskFilling', severity: 'warning', service: 'inhibit-e' } },
      { labels: { alertname: 'DiskFilling', severity: 'warning', service: 'inhibit-f' } },
    ]);
    await pollUntil('the inhibition to apply', async () =>
      (await statusOf({ alertname: 'DiskFilling', severity: 'warning', service: 'inhibit-e' })).inhibited
        ? true
        : undefined,
    );
    expect(await statusOf({ alertname: 'ErrorBudgetBurnFast', slo: 'inhibit-d-slo' })).toEqual({
      state: 'active',
      inhibited: false,
    });
    expect(await statusOf({ alertname: 'DiskFilling', severity: 'critical', service: 'inhibit-e' })).toEqual({
      state: 'active',
      inhibited: false,
    });
    expect(await statusOf({ alertname: 'DiskFilling', severity: 'warning', service: 'inhibit-f' })).toEqual({
      state: 'active',
      inhibited: false,
    });
  });

  it('holds back CircuitBreakerFlapping of a breaker held open, and the slow burn while the fast one pages', async () => {
    await am.post([
      {
        labels: {
          alertname: 'CircuitBreakerOpen',
          severity: 'critical',
          service: 'inhibit-c',
          breaker: 'payment-provider',
        },
      },
      {
        labels: {
          alertname: 'CircuitBreakerFlapping',
          severity: 'warning',
          service: 'inhibit-c',
          breaker: 'payment-provider',
        },
      },
      {
        labels: {
          alertname: 'CircuitBreakerFlapping',
          severity: 'warning',
          service: 'inhibit-c',
          breaker: 'redis',
        },
      },
      {
        labels: {
          alertname: 'ErrorBudgetBurnFast',
          severity: 'critical',
          slo: 'inhibit-slo',
          service: 'gateway',
          long_window: '1h',
          short_window: '5m',
        },
      },
      {
        labels: {
          alertname: 'ErrorBudgetBurnSlow',
          severity: 'warning',
          slo: 'inhibit-slo',
          service: 'gateway',
          long_window: '3d',
          short_window: '6h',
        },
      },
    ]);
    await pollUntil('the inhibition to apply', async () =>
      (await statusOf({ alertname: 'ErrorBudgetBurnSlow', slo: 'inhibit-slo' })).inhibited ? true : undefined,
    );
    expect(
      await statusOf({
        alertname: 'CircuitBreakerFlapping',
        service: 'inhibit-c',
        breaker: 'payment-provider',
      }),
    ).toEqual({
      state: 'suppressed',
      inhibited: true,
    });
    expect(
      await statusOf({ alertname: 'CircuitBreakerFlapping', service: 'inhibit-c', breaker: 'redis' }),
    ).toEqual({
      state: 'active',
      inhibited: false,
    });
  });
});

interface ApiStatus {
  state: string;
  inhibited: boolean;
}
