/**
 * The demo's observability side: Prometheus (job `faultline-services`, plus `rabbitmq` when the
 * broker's plugin answers), Alertmanager with the generated configuration and rules, and the
 * local PagerDuty sink when the testing workspace provides it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
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

async function alertmanagerYaml(root: string, state: string, sinkPort: number): Promise<string> {
  const keyFile = path.join(state, 'pagerduty-routing-key');
  await writeFile(keyFile, 'faultline-demo-routing-key\n');
  const modulePath = path.join(root, 'alerts/src/alertmanager.ts');
  if (existsSync(modulePath)) {
    const { renderAlertmanagerConfig } = (await import(modulePath)) as {
      renderAlertmanagerConfig: (options: Record<string, string>) => string;
    };
    return renderAlertmanagerConfig({
      routingKeyFile: keyFile,
      pagerDutyUrl: `http://127.0.0.1:${sinkPort}/v2/enqueue`,
      heartbeatUrl: `http://127.0.0.1:${sinkPort}/heartbeat`,
      warningWebhookUrl: `http://127.0.0.1:${sinkPort}/warnings`,
    });
  }
  // Minimal fallback until alerts/src/alertmanager.ts exists.
  return [
    'route: { receiver: pager }',
    'receivers:',
    `  - name: pager`,
    `    pagerduty_configs: [{ routing_key_file: ${JSON.stringify(keyFile)}, url: "http://127.0.0.1:${sinkPort}/v2/enqueue" }]`,
    '',
  ].join('\n');
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
  amqpUrl: string;
  /** Debian's Prometheus and Alertmanager, or the pinned builds. */
  build: PrometheusBuild;
  /** `host:port` of the OpenTelemetry Collector's own metrics, when it runs. */
  collectorTarget?: string;
  print: (line: string) => void;
  stoppers: Array<() => Promise<void>>;
  urls: Record<string, string>;
  baseEnv: NodeJS.ProcessEnv;
}

/** Starts Prometheus, Alertmanager and the sink; registers their stoppers; adds their URLs. */
export async function startObservability(input: ObservabilityInput): Promise<void> {
  const { root, state, ports, print, stoppers, urls, baseEnv } = input;
  const brokerHost = new URL(input.amqpUrl).hostname;
  const rabbit = await ensureRabbitmqPrometheus(brokerHost, print);
  const rulesDir = path.join(root, 'alerts/rules');
  const ruleFiles = existsSync(rulesDir)
    ? (await readdir(rulesDir)).filter((f) => f.endsWith('.yml')).map((f) => path.join(rulesDir, f))
    : [];
  const promCfg = path.join(state, 'prometheus.yml');
  await writeFile(
    promCfg,
    renderPrometheusConfig({
      serviceTargets: input.metricsTargets,
      ...(rabbit ? { rabbitmqTarget: `${brokerHost}:15692` } : {}),
      ...(input.collectorTarget ? { collectorTarget: input.collectorTarget } : {}),
      ruleFiles,
      alertmanagerTarget: `127.0.0.1:${ports.alertmanager}`,
      interval: '5s',
    }),
  );
  const amCfg = path.join(state, 'alertmanager.yml');
  await writeFile(amCfg, await alertmanagerYaml(root, state, ports.pagerDutySink));

  const program = programs(input.build);
  const spawned: ManagedProcess[] = [
    new ManagedProcess({
      name: 'prometheus',
      command: program.prometheus,
      args: [
        `--config.file=${promCfg}`,
        `--storage.tsdb.path=${path.join(state, 'prometheus')}`,
        `--web.listen-address=127.0.0.1:${ports.prometheus}`,
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
        args: [sink, '--port', String(ports.pagerDutySink)],
        env: baseEnv,
        logFile: path.join(state, 'logs', 'pagerduty-sink.log'),
      }),
    );
    urls['pages (PagerDuty sink)'] = path.join(state, 'logs', 'pagerduty-sink.log');
  }
  for (const p of spawned) p.start();
  stoppers.push(async () => {
    await Promise.all(spawned.map((p) => p.stop()));
  });
  await waitForReady(`http://127.0.0.1:${ports.prometheus}/-/ready`, 'prometheus', state);
  await waitForReady(`http://127.0.0.1:${ports.alertmanager}/-/ready`, 'alertmanager', state);
  urls.prometheus = `http://127.0.0.1:${ports.prometheus}/targets`;
  urls.alerts = `http://127.0.0.1:${ports.prometheus}/alerts`;
  urls.alertmanager = `http://127.0.0.1:${ports.alertmanager}`;
}
