/**
 * Part 1, overhead: every variant of the same service under the same autocannon load,
 * interleaved round by round (each round in a rotated order), so background noise on the
 * machine hits every variant alike. Ratios to bare are taken within a round, then the median.
 */
import { startApp, freePort, type AppLaunch } from './appProcess.ts';
import { measure, type Load, type Measurement } from './measure.ts';
import { scrapeSelfTelemetry, type SelfTelemetry } from './selfTelemetry.ts';
import type { OtlpSink, SinkTraffic, TraceShape } from './sink.ts';
import { median, ratio, rotate } from './stats.ts';
import { baseEnv, type Variant, type VariantId } from './variants.ts';

/** One variant in one round. */
export interface OverheadRun {
  readonly variant: VariantId;
  readonly round: number;
  readonly measurement: Omit<Measurement, 'rss'>;
  /** RSS right after start-up, before any request (MiB): the footprint of what was loaded. */
  readonly idleRssMiB: number;
  /** Spans of the loaded route's traces (no outgoing call). */
  readonly route: TraceShape | undefined;
  /** Spans of the probe route's traces (one outgoing HTTP call to the app itself). */
  readonly withOutgoingCall: TraceShape | undefined;
  readonly sinkTraffic: SinkTraffic;
  readonly selfTelemetry: SelfTelemetry | undefined;
}

/** Medians over rounds for one variant, with paired ratios to bare. */
export interface OverheadSummary {
  readonly variant: VariantId;
  readonly label: string;
  readonly rounds: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rssPeakMiB: number;
  readonly idleRssMiB: number;
  readonly cpuUsPerRequest: number;
  /** Share of one core the app used under load: near 1 means the app, not the load generator, was the limit. */
  readonly appCpuCores: number;
  readonly spansPerRequest: number | undefined;
  readonly spansPerRequestWithOutgoingCall: number | undefined;
  readonly spanNames: Readonly<Record<string, number>> | undefined;
  readonly vsBare: {
    readonly throughput: number;
    readonly p99: number;
    readonly rss: number;
    readonly cpu: number;
  };
  readonly errors: number;
  readonly sinkTraffic: SinkTraffic | undefined;
}

/** What part 1 needs from the orchestrator. */
export interface OverheadContext {
  readonly node: string;
  readonly root: string;
  readonly appScript: string;
  readonly appCpu: string | undefined;
  readonly sink: OtlpSink;
  readonly load: Load;
  readonly warmupS: number;
  readonly rounds: number;
  readonly variants: readonly Variant[];
  readonly log: (line: string) => void;
}

const ROUTE = /^\/users\/[^/]+$/;
const PROFILE = /^\/users\/[^/]+\/profile$/;
const PROBE_REQUESTS = 20;

/** Runs one variant once: start, warm up, measure, probe, stop, count spans. */
async function runOnce(context: OverheadContext, variant: Variant, round: number): Promise<OverheadRun> {
  const { sink } = context;
  sink.reset();
  const metricsPort = await freePort();
  const launch: AppLaunch = {
    node: context.node,
    script: context.appScript,
    preload: variant.preload,
    env: { ...baseEnv(), ...variant.env({ otlpUrl: sink.url, elasticsearchUrl: undefined }, metricsPort) },
    cpu: context.appCpu,
    cwd: context.root,
  };
  const app = await startApp(launch);
  try {
    const idleRssMiB = app.rssMiB();
    const full = await measure(app, context.load, context.warmupS);
    if (variant.exportsTraces) {
      for (let i = 0; i < PROBE_REQUESTS; i += 1)
        await (await fetch(`${app.url}/users/${i}/profile`)).arrayBuffer();
    }
    const selfTelemetry = variant.hasFaultlineMetrics
      ? await scrapeSelfTelemetry(`http://127.0.0.1:${metricsPort}/metrics`)
      : undefined;
    await app.stop();
    const { rss: _rss, ...measurement } = full;
    return {
      variant: variant.id,
      round,
      measurement,
      idleRssMiB,
      route: variant.exportsTraces ? sink.traceShape((path) => ROUTE.test(path)) : undefined,
      withOutgoingCall: variant.exportsTraces ? sink.traceShape((path) => PROFILE.test(path)) : undefined,
      sinkTraffic: sink.traffic(),
      selfTelemetry,
    };
  } finally {
    await app.stop();
  }
}

/** Runs every variant `rounds` times, interleaved. */
export async function runOverhead(context: OverheadContext): Promise<OverheadRun[]> {
  const runs: OverheadRun[] = [];
  for (let round = 0; round < context.rounds; round += 1) {
    for (const variant of rotate(context.variants, round)) {
      const run = await runOnce(context, variant, round);
      const m = run.measurement;
      context.log(
        `  round ${round + 1}/${context.rounds} ${variant.label.padEnd(40)} ${m.throughput.toFixed(0).padStart(6)} req/s  ` +
          `p99 ${m.p99Ms.toFixed(1)} ms  rss ${m.rssPeakMiB.toFixed(0)} MiB  cpu ${m.cpuUsPerRequest.toFixed(0)} µs/req` +
          (run.route ? `  spans/req ${run.route.spansPerTrace.toFixed(2)}` : ''),
      );
      runs.push(run);
    }
  }
  return runs;
}

/** Medians per variant and, per round, ratios to that round's bare run (then their median). */
export function summariseOverhead(
  runs: readonly OverheadRun[],
  variants: readonly Variant[],
): OverheadSummary[] {
  const bareByRound = new Map(runs.filter((r) => r.variant === 'bare').map((r) => [r.round, r.measurement]));
  return variants.map((variant) => {
    const mine = runs.filter((r) => r.variant === variant.id);
    const m = mine.map((r) => r.measurement);
    const paired = (pick: (x: Omit<Measurement, 'rss'>) => number): number =>
      median(mine.map((r) => ratio(pick(r.measurement), pick(bareByRound.get(r.round) ?? r.measurement))));
    const shapes = mine.map((r) => r.route).filter((s): s is TraceShape => s !== undefined && s.traces > 0);
    const probes = mine
      .map((r) => r.withOutgoingCall)
      .filter((s): s is TraceShape => s !== undefined && s.traces > 0);
    return {
      variant: variant.id,
      label: variant.label,
      rounds: mine.length,
      throughput: median(m.map((x) => x.throughput)),
      p50Ms: median(m.map((x) => x.p50Ms)),
      p99Ms: median(m.map((x) => x.p99Ms)),
      rssPeakMiB: median(m.map((x) => x.rssPeakMiB)),
      idleRssMiB: median(mine.map((r) => r.idleRssMiB)),
      cpuUsPerRequest: median(m.map((x) => x.cpuUsPerRequest)),
      appCpuCores: median(m.map((x) => x.cpuCores)),
      spansPerRequest: shapes.length ? median(shapes.map((s) => s.spansPerTrace)) : undefined,
      spansPerRequestWithOutgoingCall: probes.length ? median(probes.map((s) => s.spansPerTrace)) : undefined,
      spanNames: shapes[0]?.names,
      vsBare: {
        throughput: paired((x) => x.throughput),
        p99: paired((x) => x.p99Ms),
        rss: paired((x) => x.rssPeakMiB),
        cpu: paired((x) => x.cpuUsPerRequest),
      },
      errors: m.reduce((sum, x) => sum + x.errors + x.non2xx, 0),
      sinkTraffic: mine[0]?.sinkTraffic,
    };
  });
}
