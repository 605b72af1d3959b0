/**
 * Part 2, backends down: Faultline at its defaults with the OTLP endpoint and Elasticsearch
 * unreachable (closed local ports), against the same service with both healthy, interleaved.
 * While under load, RSS is sampled and /metrics scraped, so the report shows when the trace
 * buffer filled, that RSS stopped growing after it, and that every loss was counted.
 */
import { freePort, startApp } from './appProcess.ts';
import { startElasticsearchSink } from './esSink.ts';
import { measure, type Load, type RssSample } from './measure.ts';
import { scrapeNewSpaceMiB, scrapeSelfTelemetry, sumSeries, type SelfTelemetry } from './selfTelemetry.ts';
import type { Sink } from './sink.ts';
import { median, ratio, rotate, slope } from './stats.ts';
import { baseEnv, type Backends, type Variant } from './variants.ts';

/** Healthy or unreachable backends. */
export type BackendState = 'healthy' | 'down';

/** One run of part 2. */
export interface BackendsRun {
  readonly state: BackendState;
  readonly round: number;
  readonly throughput: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly rss: readonly RssSample[];
  /** Seconds into the window when the trace queue first reached capacity (undefined: never). */
  readonly bufferFullAtS: number | undefined;
  /** RSS change over the last 40% of the window (see lateGrowth), MiB. */
  readonly rssGrowthLateMiB: number | undefined;
  /** Change of V8's young generation (new space) size over the same part of the window, MiB. */
  readonly youngGrowthLateMiB: number | undefined;
  readonly rssEndMiB: number;
  /** Least-squares RSS slope over the last 40% of the window (MiB per minute). */
  readonly rssSlopeLateMiBPerMin: number | undefined;
  readonly selfTelemetry: SelfTelemetry | undefined;
}

/** Part 2's verdict. */
export interface BackendsSummary {
  readonly throughputHealthy: number;
  readonly throughputDown: number;
  /** Paired per round, then the median. */
  readonly throughputRatio: number;
  /** Largest late RSS growth of the down runs (MiB). */
  readonly rssGrowthLateMiB: number | undefined;
  /**
   * Largest late RSS growth of the down runs once V8's resizing of its young generation in the
   * same part of the window is taken out (MiB): what a growing buffer or a leak would show as.
   */
  readonly retainedGrowthLateMiB: number | undefined;
  /** V8's young-generation growth in that down run (MiB). */
  readonly youngGrowthLateMiB: number | undefined;
  readonly rssSlopeLateMiBPerMin: number | undefined;
  /** Down run's final RSS minus its round's healthy run's (median over rounds, MiB). */
  readonly rssEndDownMinusHealthyMiB: number;
  readonly droppedQueueFull: number;
  readonly droppedExportFailed: number;
  readonly exportFailures: number;
  /** Largest queue length and capacity per signal at the end of the down runs. */
  readonly queues: Readonly<Record<string, { readonly size: number; readonly capacity: number }>>;
}

/** What part 2 needs from the orchestrator. */
export interface BackendsContext {
  readonly node: string;
  readonly root: string;
  readonly appScript: string;
  readonly appCpu: string | undefined;
  readonly sink: Sink;
  readonly variant: Variant;
  readonly load: Load;
  readonly warmupS: number;
  readonly rounds: number;
  readonly log: (line: string) => void;
}

const QUEUE_SIZE = 'faultline_telemetry_queue_size';
const QUEUE_CAPACITY = 'faultline_telemetry_queue_capacity';

async function runOnce(
  context: BackendsContext,
  state: BackendState,
  round: number,
  healthyEs: string,
): Promise<BackendsRun> {
  context.sink.reset();
  const backends: Backends =
    state === 'healthy'
      ? { sinkUrl: context.sink.url, elasticsearchUrl: healthyEs }
      : {
          sinkUrl: `http://127.0.0.1:${await freePort()}`,
          elasticsearchUrl: `http://127.0.0.1:${await freePort()}`,
        };
  const metricsPort = await freePort();
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const app = await startApp({
    node: context.node,
    script: context.appScript,
    preload: context.variant.preload,
    env: { ...baseEnv(), ...context.variant.env(backends, metricsPort) },
    cpu: context.appCpu,
    cwd: context.root,
  });
  try {
    let bufferFullAtS: number | undefined;
    let lastScrape = -1;
    const scrapes: Promise<void>[] = [];
    const newSpace: RssSample[] = [];
    let lastNewSpaceScrape = -1;
    const m = await measure(app, context.load, context.warmupS, {
      sampleEveryMs: 500,
      onTick: (t) => {
        if (t - lastNewSpaceScrape >= 1) {
          lastNewSpaceScrape = t;
          scrapes.push(
            scrapeNewSpaceMiB(metricsUrl).then((mib) => {
              if (mib !== undefined) newSpace.push({ t, mib });
            }),
          );
        }
        if (bufferFullAtS !== undefined || t - lastScrape < 1) return;
        lastScrape = t;
        scrapes.push(
          scrapeSelfTelemetry(metricsUrl).then((telemetry) => {
            const size = sumSeries(telemetry, QUEUE_SIZE, ['signal="traces"']);
            const capacity = sumSeries(telemetry, QUEUE_CAPACITY, ['signal="traces"']);
            if (capacity > 0 && size >= capacity && bufferFullAtS === undefined) bufferFullAtS = t;
          }),
        );
      },
    });
    await Promise.all(scrapes);
    const selfTelemetry = await scrapeSelfTelemetry(metricsUrl);
    const growth = lateGrowth(m.rss);
    const young = lateGrowth(
      newSpace.sort((a, b) => a.t - b.t),
      4,
    );
    return {
      state,
      round,
      throughput: m.throughput,
      p99Ms: m.p99Ms,
      errors: m.errors + m.non2xx,
      rss: m.rss.map((s) => ({ t: Math.round(s.t * 10) / 10, mib: Math.round(s.mib * 10) / 10 })),
      bufferFullAtS,
      rssGrowthLateMiB: growth?.growth,
      youngGrowthLateMiB: young?.growth,
      rssSlopeLateMiBPerMin: growth?.slope,
      rssEndMiB: m.rssEndMiB,
      selfTelemetry,
    };
  } finally {
    await app.stop();
  }
}

/**
 * RSS growth near the end of the window: the median of the last fifth minus the median of the
 * fifth before it. V8 sizes its heap in steps during the first seconds under load (healthy runs
 * show the same steps), so only the end says whether anything keeps growing.
 */
function lateGrowth(
  rss: readonly RssSample[],
  minSamples = 10,
): { growth: number; slope: number } | undefined {
  if (rss.length < minSamples) return undefined;
  const fifth = Math.floor(rss.length / 5);
  const last = rss.slice(rss.length - fifth);
  const before = rss.slice(rss.length - 2 * fifth, rss.length - fifth);
  return {
    growth: median(last.map((s) => s.mib)) - median(before.map((s) => s.mib)),
    slope: slope([...before, ...last].map((s) => ({ x: s.t / 60, y: s.mib }))),
  };
}

/** The down run whose late RSS growth, young generation taken out, is largest. */
function worstRetained(
  down: readonly BackendsRun[],
): Pick<BackendsSummary, 'retainedGrowthLateMiB' | 'youngGrowthLateMiB'> {
  let worst: Pick<BackendsSummary, 'retainedGrowthLateMiB' | 'youngGrowthLateMiB'> = {
    retainedGrowthLateMiB: undefined,
    youngGrowthLateMiB: undefined,
  };
  for (const run of down) {
    if (run.rssGrowthLateMiB === undefined) continue;
    const young = run.youngGrowthLateMiB ?? 0;
    const retained = run.rssGrowthLateMiB - Math.max(0, young);
    if (worst.retainedGrowthLateMiB === undefined || retained > worst.retainedGrowthLateMiB) {
      worst = { retainedGrowthLateMiB: retained, youngGrowthLateMiB: run.youngGrowthLateMiB };
    }
  }
  return worst;
}

/** Runs healthy and down `rounds` times each, alternating which goes first. */
export async function runBackendsDown(context: BackendsContext): Promise<BackendsRun[]> {
  const elasticsearch = await startElasticsearchSink();
  const runs: BackendsRun[] = [];
  try {
    for (let round = 0; round < context.rounds; round += 1) {
      for (const state of rotate<BackendState>(['healthy', 'down'], round)) {
        const run = await runOnce(context, state, round, elasticsearch.url);
        context.log(
          `  round ${round + 1}/${context.rounds} backends ${state.padEnd(8)} ${run.throughput.toFixed(0).padStart(6)} req/s  ` +
            `p99 ${run.p99Ms.toFixed(1)} ms  rss ${run.rss[0]?.mib} → ${run.rss[run.rss.length - 1]?.mib} MiB` +
            (run.bufferFullAtS === undefined
              ? ''
              : `  trace buffer full at ${run.bufferFullAtS.toFixed(1)} s`),
        );
        runs.push(run);
      }
    }
  } finally {
    await elasticsearch.close();
  }
  return runs;
}

/** Pairs each round's down run with its healthy run. */
export function summariseBackendsDown(runs: readonly BackendsRun[]): BackendsSummary {
  const healthy = runs.filter((r) => r.state === 'healthy');
  const down = runs.filter((r) => r.state === 'down');
  const healthyByRound = new Map(healthy.map((r) => [r.round, r.throughput]));
  const growths = down.map((r) => r.rssGrowthLateMiB).filter((g): g is number => g !== undefined);
  const slopes = down.map((r) => r.rssSlopeLateMiBPerMin).filter((g): g is number => g !== undefined);
  const healthyEnd = new Map(healthy.map((r) => [r.round, r.rssEndMiB]));
  const sum = (name: string, labels: string[] = []): number =>
    down.reduce((total, r) => total + sumSeries(r.selfTelemetry, name, labels), 0);
  return {
    throughputHealthy: median(healthy.map((r) => r.throughput)),
    throughputDown: median(down.map((r) => r.throughput)),
    throughputRatio: median(down.map((r) => ratio(r.throughput, healthyByRound.get(r.round) ?? Number.NaN))),
    rssGrowthLateMiB: growths.length ? Math.max(...growths) : undefined,
    ...worstRetained(down),
    rssSlopeLateMiBPerMin: slopes.length ? Math.max(...slopes) : undefined,
    rssEndDownMinusHealthyMiB: median(down.map((r) => r.rssEndMiB - (healthyEnd.get(r.round) ?? Number.NaN))),
    droppedQueueFull: sum('faultline_telemetry_dropped_total', ['reason="queue_full"']),
    droppedExportFailed: sum('faultline_telemetry_dropped_total', ['reason="export_failed"']),
    exportFailures: sum('faultline_telemetry_export_failures_total'),
    queues: Object.fromEntries(
      ['traces', 'logs'].map((signal) => {
        const label = [`signal="${signal}"`];
        return [
          signal,
          {
            size: Math.max(0, ...down.map((r) => sumSeries(r.selfTelemetry, QUEUE_SIZE, label))),
            capacity: Math.max(0, ...down.map((r) => sumSeries(r.selfTelemetry, QUEUE_CAPACITY, label))),
          },
        ];
      }),
    ),
  };
}
