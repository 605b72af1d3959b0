/**
 * The whole paging path of the end-to-end test, started for real on free loopback ports:
 *
 *   payment-provider fixture <- payment-app fixture (opossum breaker, Faultline drop-in)
 *     -> Prometheus (scrape + generated rules) -> Alertmanager (generated config)
 *     -> strict PagerDuty Events API v2 receiver, and a webhook sink for heartbeat/warnings
 *
 * Only the timings are shortened (e2eConfig); rules and routing are the generated ones.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, startPagerDutyReceiver, type PagerDutyReceiver } from '../../../../testing/index.ts';
import { renderAlertmanagerConfig } from '../../../src/alertmanager.ts';
import { defaultConfig, type AlertsConfig } from '../../../src/config.ts';
import { renderRuleFiles } from '../../../src/render.ts';
import {
  makeAlertmanagerDir,
  startAlertmanager,
  type AlertmanagerProcess,
} from '../../support/alertmanagerProcess.ts';
import { startWebhookSink, type WebhookSink } from '../../support/webhookSink.ts';
import type { Cleanup } from './cleanup.ts';
import { startFixture, type FixtureProcess } from './fixtureProcess.ts';
import { startPrometheus, type PrometheusProcess } from './prometheusProcess.ts';

/** The drop-in entry of the built instrumentation package (`npm run build`). */
const REGISTER = join(__dirname, '..', '..', '..', '..', 'instrumentation', 'dist', 'register.js');

/** The service name of the payment-app fixture, and so the `service` label of its alerts. */
export const SERVICE = 'payment-app';

/** The breaker the fixture instruments. */
export const BREAKER = 'payment-provider';

/**
 * The default config at test speed: the breaker pages after 2s open instead of 30s, and
 * Alertmanager notifies within a second. Thresholds, expressions and routes are unchanged.
 */
export const e2eConfig: AlertsConfig = {
  ...defaultConfig,
  thresholds: { ...defaultConfig.thresholds, breakerOpenFor: '2s' },
  routing: {
    ...defaultConfig.routing,
    critical: { groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' },
    warning: { groupWait: '1s', groupInterval: '1s', repeatInterval: '1h' },
    heartbeat: { groupWait: '0s', groupInterval: '1s', repeatInterval: '1h' },
  },
};

/** Everything the test talks to. */
export interface PagingStack {
  /** The 32-character routing key Alertmanager reads from its file, and the receiver demands. */
  readonly routingKey: string;
  readonly pagerDuty: PagerDutyReceiver;
  /** Receives `/heartbeat` (Watchdog) and `/warnings`. */
  readonly webhooks: WebhookSink;
  readonly alertmanager: AlertmanagerProcess;
  readonly prometheus: PrometheusProcess;
  readonly provider: FixtureProcess;
  readonly app: FixtureProcess;
}

/**
 * Starts the stack, registering in `cleanup` how to stop each part (processes, servers,
 * temporary folders) as soon as it has started; the caller runs `cleanup` even when this throws.
 */
export async function startPagingStack(cleanup: Cleanup): Promise<PagingStack> {
  if (!existsSync(REGISTER)) {
    throw new Error(`${REGISTER} is missing: build the instrumentation package first (npm run build)`);
  }
  const routingKey = randomBytes(16).toString('hex');
  const pagerDuty = await startPagerDutyReceiver({ routingKey });
  cleanup.add(() => pagerDuty.close());
  const webhooks = await startWebhookSink();
  cleanup.add(() => webhooks.close());

  const amDir = await makeAlertmanagerDir();
  cleanup.add(() => rm(amDir, { recursive: true, force: true }));
  const routingKeyFile = join(amDir, 'pagerduty-routing-key');
  await writeFile(routingKeyFile, `${routingKey}\n`, { mode: 0o600 });
  const alertmanager = await startAlertmanager(
    amDir,
    renderAlertmanagerConfig(
      {
        routingKeyFile,
        pagerDutyUrl: pagerDuty.enqueueUrl,
        heartbeatUrl: `${webhooks.url}/heartbeat`,
        warningWebhookUrl: `${webhooks.url}/warnings`,
      },
      e2eConfig,
    ),
  );
  cleanup.add(() => alertmanager.stop());

  const provider = await startFixture({ script: 'payment-provider.cjs', env: {} });
  cleanup.add(() => provider.stop());
  const metricsPort = await freePort();
  const app = await startFixture({
    script: 'payment-app.cjs',
    nodeArgs: ['--require', REGISTER],
    env: {
      PROVIDER_URL: provider.url,
      OTEL_SERVICE_NAME: SERVICE,
      OTEL_TRACES_EXPORTER: 'none',
      FAULTLINE_METRICS_PORT: String(metricsPort),
      FAULTLINE_METRICS_HOST: '127.0.0.1',
    },
  });
  cleanup.add(() => app.stop());

  const prometheus = await startPrometheus({
    targets: [{ address: `127.0.0.1:${metricsPort}`, service: SERVICE }],
    ruleFiles: renderRuleFiles(e2eConfig),
    alertmanager: new URL(alertmanager.url).host,
    interval: '1s',
  });
  cleanup.add(() => prometheus.stop());

  return { routingKey, pagerDuty, webhooks, alertmanager, prometheus, provider, app };
}
