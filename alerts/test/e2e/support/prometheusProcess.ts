/**
 * A real Prometheus (Debian's `prometheus`) for the end-to-end test: scraping the
 * `faultline-services` job as the alerts README's scrape contract says, evaluating the
 * generated rule files, and sending alerts to an Alertmanager — all at test speed.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../../../testing/index.ts';
import type { GeneratedFile } from '../../../src/render.ts';
import { pollUntil } from '../../support/poll.ts';

/** A scrape target of the `faultline-services` job: an instance of one service. */
export interface ServiceTarget {
  /** `host:port` of the instance's metrics endpoint. */
  readonly address: string;
  /** The OTel `service.name`, given to the target as its `service` label. */
  readonly service: string;
}

/** What Prometheus scrapes, evaluates and alerts to. */
export interface PrometheusSetup {
  readonly targets: readonly ServiceTarget[];
  /** Rule files as `renderRuleFiles` returns them (paths relative to the config folder). */
  readonly ruleFiles: readonly GeneratedFile[];
  /** `host:port` of the Alertmanager. */
  readonly alertmanager: string;
  /** Scrape and rule evaluation interval. */
  readonly interval: `${number}s`;
}

/** One sample of an instant query's vector result. */
export interface VectorSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** A running Prometheus. */
export interface PrometheusProcess {
  readonly url: string;
  /** Runs an instant query; throws unless the result is a vector. */
  query(expr: string): Promise<VectorSample[]>;
  output(): string;
  stop(): Promise<void>;
}

/** The prometheus.yml for `setup`: one job honouring the exposition's labels, one Alertmanager. */
export function prometheusConfig(setup: PrometheusSetup): string {
  return stringify({
    global: {
      scrape_interval: setup.interval,
      scrape_timeout: setup.interval,
      evaluation_interval: setup.interval,
    },
    rule_files: setup.ruleFiles.map((file) => file.path),
    alerting: { alertmanagers: [{ static_configs: [{ targets: [setup.alertmanager] }] }] },
    scrape_configs: [
      {
        job_name: 'faultline-services',
        honor_labels: true,
        static_configs: setup.targets.map((target) => ({
          targets: [target.address],
          labels: { service: target.service },
        })),
      },
    ],
  });
}

/** Writes the config and rule files into `dir` and starts Prometheus on them; resolves once ready. */
export async function startPrometheus(dir: string, setup: PrometheusSetup): Promise<PrometheusProcess> {
  const configFile = join(dir, 'prometheus.yml');
  for (const file of setup.ruleFiles) {
    await mkdir(dirname(join(dir, file.path)), { recursive: true });
    await writeFile(join(dir, file.path), file.content);
  }
  await writeFile(configFile, prometheusConfig(setup));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      // Firing alerts are re-sent at this pace (default 1m). Alerts that fire at the first
      // evaluation (the Watchdog) are sent before Prometheus has discovered its Alertmanager
      // and dropped; at test speed they must reach it at the next evaluation, not a minute later.
      `--rules.alert.resend-delay=${setup.interval}`,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  let spawnError: Error | undefined;
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.once('error', (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };

  try {
    await pollUntil('Prometheus to be ready', async () => {
      if (spawnError) throw spawnError;
      if (child.exitCode !== null) throw new Error(`Prometheus exited with ${child.exitCode}`);
      return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
    });
  } catch (error) {
    await stop();
    const reason = spawnError ? `${spawnError.message} (is prometheus installed? see .ci/run)` : log;
    throw new Error(`Prometheus did not start: ${reason}`, { cause: error });
  }

  return {
    url,
    output: () => log,
    stop,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: { resultType: string; result: VectorSample[] };
      };
      if (body.status !== 'success' || body.data?.resultType !== 'vector') {
        throw new Error(`query ${expr} failed (${res.status}): ${body.error ?? JSON.stringify(body.data)}`);
      }
      return body.data.result;
    },
  };
}
