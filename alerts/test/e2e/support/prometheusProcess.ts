/**
 * A real Prometheus (the pinned version, from backends/) for the end-to-end test: scraping the
 * `faultline-services` job as the alerts README's scrape contract says, evaluating the
 * generated rule files, and sending alerts to an Alertmanager — all at test speed.
 */
import { stringify } from 'yaml';
import { startPrometheus as startPinnedPrometheus } from '../../../../backends/index.ts';
import type { GeneratedFile } from '../../../src/render.ts';

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
  /** Stops it and removes its folder. */
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

/** Starts the pinned Prometheus on `setup` in a temporary folder; resolves once ready. */
export async function startPrometheus(setup: PrometheusSetup): Promise<PrometheusProcess> {
  const files = Object.fromEntries(setup.ruleFiles.map((file) => [file.path, file.content]));
  const server = await startPinnedPrometheus({
    files: { ...files, 'prometheus.yml': prometheusConfig(setup) },
    // Firing alerts are re-sent at this pace (default 1m). Alerts that fire at the first
    // evaluation (the Watchdog) are sent before Prometheus has discovered its Alertmanager
    // and dropped; at test speed they must reach it at the next evaluation, not a minute later.
    args: [`--rules.alert.resend-delay=${setup.interval}`],
  });
  const { url } = server;
  return {
    url,
    stop: () => server.stop(),
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
