/**
 * A real Prometheus (the pinned version, from backends/) for tests: its own free port, its own
 * temporary TSDB, scraping the targets given, stopped and cleaned up by `stop()`.
 */
import { stringify } from 'yaml';
import { renderRuleFiles } from '@faultline/alerts';
import { startPrometheus as startPinnedPrometheus } from '../../../backends/index.ts';
import { monitoring } from '../../src/config.ts';

/** A scrape job: its name and `host:port` targets. */
/**
 * The job name the fixture Prometheus scrapes the fixture services under. Only a fixture's
 * choice: neither the rules nor the dashboards depend on a job name.
 */
export const FIXTURE_JOB = 'faultline-services';

export interface ScrapeJob {
  readonly job: string;
  readonly targets: readonly string[];
}

/** A running Prometheus. */
export interface RunningPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

/** Polls `check` until it returns a value other than `undefined`, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Starts the pinned Prometheus scraping `jobs` every `scrapeInterval`, with the rules generated
 * from the shared config (the SLO panels read their recording rules), and waits until it is ready.
 */
export async function startPrometheus(
  jobs: readonly ScrapeJob[],
  scrapeInterval = '1s',
): Promise<RunningPrometheus> {
  const rules = Object.fromEntries(renderRuleFiles(monitoring).map((file) => [file.path, file.content]));
  const config = stringify({
    global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
    rule_files: Object.keys(rules),
    scrape_configs: jobs.map((job) => ({
      job_name: job.job,
      static_configs: [{ targets: [...job.targets] }],
    })),
  });
  const { url, stop } = await startPinnedPrometheus({ files: { ...rules, 'prometheus.yml': config } });
  return { url, stop };
}
