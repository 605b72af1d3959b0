/**
 * One measurement: load from autocannon against a running app, with the app's CPU time (from
 * /proc before and after) and RSS sampled over the measured window.
 */
import autocannon from 'autocannon';
import type { RunningApp } from './appProcess.ts';

/** The load a measurement applies. */
export interface Load {
  readonly path: string;
  readonly connections: number;
  readonly durationS: number;
  /** HTTP/1.1 pipelining depth per connection (1: none). */
  readonly pipelining: number;
}

/** One RSS sample, `t` seconds into the measured window. */
export interface RssSample {
  readonly t: number;
  readonly mib: number;
}

/** What one measured window produced. */
export interface Measurement {
  readonly requests: number;
  /** Completed requests per second. */
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  /** App CPU (user + system) per completed request, in microseconds. */
  readonly cpuUsPerRequest: number;
  /** App CPU as a share of one core over the window. */
  readonly cpuCores: number;
  readonly rssPeakMiB: number;
  readonly rssEndMiB: number;
  readonly rss: readonly RssSample[];
}

/** Runs autocannon once; resolves with its result. */
export function runLoad(url: string, load: Load): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}${load.path}`,
        connections: load.connections,
        pipelining: load.pipelining,
        duration: load.durationS,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** RSS sampling period (ms). */
  readonly sampleEveryMs?: number;
  /** Called on every sample tick with the seconds elapsed (e.g. to scrape /metrics). */
  readonly onTick?: (t: number) => void;
}

/** Warms the app up (unmeasured), then measures `load` against it. */
export async function measure(
  app: RunningApp,
  load: Load,
  warmupS: number,
  options: MeasureOptions = {},
): Promise<Measurement> {
  if (warmupS > 0) await runLoad(app.url, { ...load, durationS: warmupS });
  const rss: RssSample[] = [];
  const startedAt = performance.now();
  const sample = (): void => {
    const t = (performance.now() - startedAt) / 1000;
    rss.push({ t, mib: app.rssMiB() });
    options.onTick?.(t);
  };
  const cpuBefore = app.cpuSeconds();
  sample();
  const sampler = setInterval(sample, options.sampleEveryMs ?? 250);
  const result = await runLoad(app.url, load).finally(() => clearInterval(sampler));
  const cpuAfter = app.cpuSeconds();
  sample();
  const elapsed = (performance.now() - startedAt) / 1000;
  const requests = result.requests.total;
  const cpuSeconds = cpuAfter - cpuBefore;
  return {
    requests,
    throughput: requests / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    cpuUsPerRequest: requests > 0 ? (cpuSeconds * 1e6) / requests : Number.NaN,
    cpuCores: cpuSeconds / elapsed,
    rssPeakMiB: Math.max(...rss.map((s) => s.mib)),
    rssEndMiB: rss[rss.length - 1]!.mib,
    rss,
  };
}
