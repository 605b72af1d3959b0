/**
 * The demo's observability side: Prometheus (job `faultline-services`, plus `rabbitmq` when the
 * broker's plugin answers), Alertmanager with the generated configuration and rules, and the
 * local PagerDuty sink when the testing workspace provides it. The routing key is a valid
 * 32-character one that the sink checks, so a page is accepted, not rejected.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  defaultConfig,
  renderAlertmanagerConfig,
  renderRuleFiles,
  type AlertsConfig,
} from '@faultline/alerts';
import { programPath } from '../../backends/index.ts';
import { ManagedProcess } from './managedProcess.ts';
import type { DemoPorts } from './ports.ts';
import { BINARIES, canConnect } from './prerequisites.ts';
import { renderPrometheusConfig } from './prometheusConfig.ts';
import { waitForReady, waitUntil } from './waitUntil.ts';

const execFileAsync = promisify(execFile);

/** Turns RabbitMQ's Prometheus plugin on if possible; returns whether it answers. */
async function ensureRabbitmqPrometheus(host: string, print: (line: string) => void): Promise<boolean> {
  if (await canConnect(host, 15692)) return true;
  if (process.getuid?.() !== 0 || !existsSync('/usr/sbin/rabbitmq-plugins')) {
    print('RabbitMQ Prometheus plugin is off and cannot be enabled from here (needs root): no rabbitmq job.');
    return false;
  }
  try {
    await execFileAsync('rabbitmq-plugins', ['enable', 'rabbitmq_prometheus'], { timeout: 60_000 });
    await waitUntil(() => canConnect(host, 15692), 15_000);
    return true;
  } catch (error) {
    print(
      `Could not enable RabbitMQ's Prometheus plugin (${(error as Error).message.split('\n')[0]}): no rabbitmq job.`,
    );
    return false;
  }
}

/**
 * The demo pages within seconds, not minutes: a critical group waits 10 s and a resolve is sent
 * at most 15 s after the alert ends, so a presenter sees the trigger and the resolve arrive.
 */
export const demoAlertsConfig: AlertsConfig = {
  ...defaultConfig,
  routing: {
    ...defaultConfig.routing,
    critical: { groupWait: '10s', groupInterval: '15s', repeatInterval: '1h' },
    warning: { groupWait: '30s', groupInterval: '1m', repeatInterval: '12h' },
  },
};

/**
 * The demo's rules with links that open pages the demo serves: runbooks on the console, and
 * dashboards on Grafana when one is given, else the console's previews at Grafana's own path.
 */
function linkedAlertsConfig(input: Pick<ObservabilityInput, 'consoleUrl' | 'grafanaUrl'>): AlertsConfig {
  const dashboards = input.grafanaUrl ?? input.consoleUrl;
  return {
    ...demoAlertsConfig,
    ...(input.consoleUrl ? { runbookBaseUrl: `${input.consoleUrl}/runbooks` } : {}),
    ...(dashboards ? { grafanaBaseUrl: dashboards.replace(/\/+$/, '') } : {}),
  };
}

/** A PagerDuty integration key has 32 characters; the demo's is random, one per state dir. */
export function demoRoutingKey(): string {
  return randomBytes(16).toString('hex');
}

/** Webhook paths on the sink that stand in for the warning channel and the dead man's switch. */
export const SINK_WEBHOOK_PATHS = { heartbeat: '/heartbeat', warnings: '/warnings' } as const;

async function alertmanagerYaml(keyFile: string, sinkPort: number): Promise<string> {
  const sink = `http://127.0.0.1:${sinkPort}`;
  return renderAlertmanagerConfig(
    {
      routingKeyFile: keyFile,
      pagerDutyUrl: `${sink}/v2/enqueue`,
      heartbeatUrl: `${sink}${SINK_WEBHOOK_PATHS.heartbeat}`,
      warningWebhookUrl: `${sink}${SINK_WEBHOOK_PATHS.warnings}`,
    },
    demoAlertsConfig,
  );
}

/** Debian's packages (with web UIs) or the versions docker-compose.yml ships, built by `backends/`. */
export type PrometheusBuild = 'debian' | 'pinned';

function programs(build: PrometheusBuild): { prometheus: string; alertmanager: string } {
  return build === 'pinned'
    ? {
        prometheus: programPath('prometheus', 'prometheus'),
        alertmanager: programPath('alertmanager', 'alertmanager'),
      }
    : { prometheus: BINARIES.prometheus.path, alertmanager: BINARIES.alertmanager.path };
}

/** What the observability side needs from the demo. */
export interface ObservabilityInput {
  root: string;
  state: string;
  ports: DemoPorts;
  metricsTargets: string[];
  /** The RabbitMQ the order flow runs on, whose Prometheus plugin is scraped (none on Kafka). */
  amqpUrl?: string;
  /** Debian's Prometheus and Alertmanager, or the pinned builds. */
  build: PrometheusBuild;
  /** `host:port` of the OpenTelemetry Collector's own metrics, when it runs. */
  collectorTarget?: string;
  /**
   * The demo console's URL, when it runs: it serves the runbooks the alerts link to, and the
   * dashboards' previews unless a Grafana serves the dashboards.
   */
  consoleUrl?: string;
  /** A Grafana serving the dashboards, when there is one. */
  grafanaUrl?: string;
  print: (line: string) => void;
  stoppers: Array<() => Promise<void>>;
  urls: Record<string, string>;
  baseEnv: NodeJS.ProcessEnv;
}

/** Starts Prometheus, Alertmanager and the sink; registers their stoppers; adds their URLs. */
export async function startObservability(input: ObservabilityInput): Promise<void> {
  const { root, state, ports, print, stoppers, urls, baseEnv } = input;
  const brokerHost = input.amqpUrl ? new URL(input.amqpUrl).hostname : undefined;
  const rabbit = brokerHost !== undefined && (await ensureRabbitmqPrometheus(brokerHost, print));
  const config = linkedAlertsConfig(input);
  const ruleFiles: string[] = [];
  for (const file of renderRuleFiles(config)) {
    const target = path.join(state, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
    ruleFiles.push(target);
  }
  const promCfg = path.join(state, 'prometheus.yml');
  await writeFile(
    promCfg,
    renderPrometheusConfig({
      serviceTargets: input.metricsTargets,
      ...(rabbit ? { rabbitmqTarget: `${brokerHost}:15692` } : {}),
      ...(input.collectorTarget ? { collectorTarget: input.collectorTarget } : {}),
      ruleFiles,
      alertmanagerTarget: `127.0.0.1:${ports.alertmanager}`,
      prometheusTarget: `127.0.0.1:${ports.prometheus}`,
      interval: '5s',
    }),
  );
  const amCfg = path.join(state, 'alertmanager.yml');
  const keyFile = path.join(state, 'pagerduty-routing-key');
  await writeFile(keyFile, `${demoRoutingKey()}\n`, { mode: 0o600 });
  await writeFile(amCfg, await alertmanagerYaml(keyFile, ports.pagerDutySink));

  const program = programs(input.build);
  const spawned: ManagedProcess[] = [
    new ManagedProcess({
      name: 'prometheus',
      command: program.prometheus,
      args: [
        `--config.file=${promCfg}`,
        `--storage.tsdb.path=${path.join(state, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        `--web.external-url=http://127.0.0.1:${ports.prometheus}`,
        // The services expose trace-id exemplars: stored, the console's latency chart links to traces.
        '--enable-feature=exemplar-storage',
      ],
      env: baseEnv,
      logFile: path.join(state, 'logs', 'prometheus.log'),
    }),
    new ManagedProcess({
      name: 'alertmanager',
      command: program.alertmanager,
      args: [
        `--config.file=${amCfg}`,
        `--storage.path=${path.join(state, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
        `--web.external-url=http://127.0.0.1:${ports.alertmanager}`,
        '--cluster.listen-address=',
      ],
      env: baseEnv,
      logFile: path.join(state, 'logs', 'alertmanager.log'),
    }),
  ];
  const sink = path.join(root, 'testing/receivers/pagerduty-sink.ts');
  if (existsSync(sink)) {
    spawned.push(
      new ManagedProcess({
        name: 'pagerduty-sink',
        command: process.execPath,
        // The sink checks the key Alertmanager sends against the file it reads it from, and
        // accepts the heartbeat and warning webhooks, so every notification is delivered.
        args: [
          sink,
          '--port',
          String(ports.pagerDutySink),
          '--routing-key-file',
          keyFile,
          ...Object.values(SINK_WEBHOOK_PATHS).flatMap((p) => ['--webhook-path', p]),
        ],
        env: baseEnv,
        logFile: path.join(state, 'logs', 'pagerduty-sink.log'),
      }),
    );
    urls['pages (PagerDuty sink)'] = path.join(state, 'logs', 'pagerduty-sink.log');
    urls['pages delivered'] = `http://127.0.0.1:${ports.pagerDutySink}/accepted`;
  }
  for (const p of spawned) p.start();
  stoppers.push(async () => {
    await Promise.all(spawned.map((p) => p.stop()));
  });
  await waitForReady(`http://127.0.0.1:${ports.prometheus}/-/ready`, 'prometheus', state);
  await waitForReady(`http://127.0.0.1:${ports.alertmanager}/-/ready`, 'alertmanager', state);
  if (existsSync(sink))
    await waitForReady(`http://127.0.0.1:${ports.pagerDutySink}/accepted`, 'pagerduty-sink', state);
  urls.prometheus = `http://127.0.0.1:${ports.prometheus}/targets`;
  urls.alerts = `http://127.0.0.1:${ports.prometheus}/alerts`;
  urls.alertmanager = `http://127.0.0.1:${ports.alertmanager}`;
}
