/**
 * Part 1, overhead: every variant of every service shape under the same autocannon load,
 * interleaved round by round (each round in a rotated order), so background noise on the
 * machine hits every variant alike. Ratios and differences to bare are taken within a round and
 * shape, then the median.
 */
import { startApp, freePort, type AppLaunch } from './appProcess.ts';
import { measure, type Load, type Measurement } from './measure.ts';
import { scrapeSelfTelemetry, type SelfTelemetry } from './selfTelemetry.ts';
import type { Shape, ShapeId } from './shapes.ts';
import { shapeOf, type Sink, type SinkTraffic, type TraceShape } from './sink.ts';
import { median, ratio, rotate } from './stats.ts';
import { baseEnv, type Variant, type VariantId } from './variants.ts';

/** One variant on one shape in one round. */
export interface OverheadRun {
  readonly shape: ShapeId;
  readonly variant: VariantId;
  readonly round: number;
  readonly measurement: Omit<Measurement, 'rss'>;
  /** RSS right after start-up, before any request (MiB): the footprint of what was loaded. */
  readonly idleRssMiB: number;
  /** Spans of the loaded route's traces. */
  readonly route: TraceShape | undefined;
  /** Spans of the probe route's traces (one outgoing HTTP call to the app itself). */
  readonly withOutgoingCall: TraceShape | undefined;
  readonly sinkTraffic: SinkTraffic;
  readonly selfTelemetry: SelfTelemetry | undefined;
}

/** A run that did not complete (the app did not start, or the load failed). */
export interface FailedRun {
  readonly shape: ShapeId;
  readonly variant: VariantId;
  readonly round: number;
  readonly error: string;
}

/** Medians over rounds for one variant on one shape, with paired comparisons to bare. */
export interface OverheadSummary {
  readonly shape: ShapeId;
  readonly variant: VariantId;
  readonly label: string;
  readonly role: Variant['role'];
  /** Installed versions of what the row measures (`name version, ...`; empty for bare). */
  readonly versions: string;
  readonly rounds: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rssPeakMiB: number;
  readonly idleRssMiB: number;
  readonly cpuUsPerRequest: number;
  /** App CPU per request over bare's in the same round (median of the differences), µs. */
  readonly cpuOverheadUs: number;
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
  readonly failures: readonly string[];
  readonly sinkTraffic: SinkTraffic | undefined;
}

/** What part 1 needs from the orchestrator. */
export interface OverheadContext {
  readonly node: string;
  readonly root: string;
  readonly appCpu: string | undefined;
  readonly sink: Sink;
  readonly load: Load;
  readonly warmupS: number;
  readonly rounds: number;
  readonly shapes: readonly Shape[];
  /** The variants run on `shape`. */
  readonly variantsOf: (shape: Shape) => readonly Variant[];
  readonly log: (line: string) => void;
}

const ROUTE = /^\/users\/[^/]+$/;
const PROFILE = /^\/users\/[^/]+\/profile$/;
const PROBE_REQUESTS = 20;

/** The launch of `variant` on `shape`, exporting to `sink`. */
function launchOf(context: OverheadContext, shape: Shape, variant: Variant, metricsPort: number): AppLaunch {
  const backends = { sinkUrl: context.sink.url, elasticsearchUrl: undefined };
  return {
    node: context.node,
    script: shape.script,
    preload: variant.preload,
    env: { ...baseEnv(), ...shape.env, ...variant.env(backends, metricsPort) },
    cpu: context.appCpu,
    cwd: context.root,
  };
}

/** Runs one variant once: start, warm up, measure, probe, stop, count spans. */
async function runOnce(
  context: OverheadContext,
  shape: Shape,
  variant: Variant,
  round: number,
): Promise<OverheadRun> {
  const { sink } = context;
  sink.reset();
  const metricsPort = await freePort();
  const app = await startApp(launchOf(context, shape, variant, metricsPort));
  try {
    const idleRssMiB = app.rssMiB();
    const full = await measure(app, context.load, context.warmupS);
    const loaded = sink.cut();
    // The sink keeps the first KEEP_BYTES of a window. When the load overflowed it, the bodies
    // kept are a prefix of the load's and the agent's last flush (in the next window) is not
    // contiguous with them: a trace whose client spans went out in a dropped body and whose
    // server span came in that flush would count as missing spans. The prefix alone holds whole
    // traces (client spans end, and are sent, before their server span).
    const loadOverflowed = sink.traffic().notKept > 0;
    if (variant.traces) {
      // The agent's backlog from the load is drained first, so a queue that drops when full
      // (Sentry's transport) does not drop the probe's traces.
      await sink.settle();
      for (let i = 0; i < PROBE_REQUESTS; i += 1)
        await (await fetch(`${app.url}/users/${i}/profile`)).arrayBuffer();
    }
    const selfTelemetry = variant.hasFaultlineMetrics
      ? await scrapeSelfTelemetry(`http://127.0.0.1:${metricsPort}/metrics`)
      : undefined;
    await app.stop();
    // What the agent flushed on its way out (its last batch of the load, and the probe) is in
    // the second window; the load's traces are counted over both unless the first overflowed.
    await sink.settle();
    const probed = sink.cut();
    const { rss: _rss, ...measurement } = full;
    return {
      shape: shape.id,
      variant: variant.id,
      round,
      measurement,
      idleRssMiB,
      route: variant.traces
        ? shapeOf(loadOverflowed ? loaded : [...loaded, ...probed], (path) => ROUTE.test(path))
        : undefined,
      withOutgoingCall: variant.traces ? shapeOf(probed, (path) => PROFILE.test(path)) : undefined,
      sinkTraffic: sink.traffic(),
      selfTelemetry,
    };
  } catch (error) {
    // A crashed app shows up as a missing /proc entry; what it printed says why.
    const lines = app.stderr().trim().split('\n');
    const reason = lines.find((line) => /^\w*Error\b/.test(line)) ?? lines[lines.length - 1];
    throw new Error(`${(error as Error).message}${reason ? `; the app printed: ${reason}` : ''}`, {
      cause: error,
    });
  } finally {
    await app.stop();
  }
}

function describeRun(run: OverheadRun): string {
  const m = run.measurement;
  return (
    `${m.throughput.toFixed(0).padStart(6)} req/s  p99 ${m.p99Ms.toFixed(1)} ms  rss ${m.rssPeakMiB.toFixed(0)} MiB  ` +
    `cpu ${m.cpuUsPerRequest.toFixed(0)} µs/req` +
    (run.route ? `  spans/req ${run.route.spansPerTrace.toFixed(2)}` : '')
  );
}

/** Runs every variant on every shape `rounds` times, interleaved; failed runs are reported, not fatal. */
export async function runOverhead(
  context: OverheadContext,
): Promise<{ runs: OverheadRun[]; failed: FailedRun[] }> {
  const runs: OverheadRun[] = [];
  const failed: FailedRun[] = [];
  for (let round = 0; round < context.rounds; round += 1) {
    for (const shape of rotate(context.shapes, round)) {
      for (const variant of rotate(context.variantsOf(shape), round)) {
        const prefix = `  round ${round + 1}/${context.rounds} ${shape.id.padEnd(10)} ${variant.label.padEnd(40)}`;
        const startedAt = performance.now();
        try {
          const run = await runOnce(context, shape, variant, round);
          context.log(
            `${prefix} ${describeRun(run)}  (${((performance.now() - startedAt) / 1000).toFixed(1)} s)`,
          );
          runs.push(run);
        } catch (error) {
          const message = (error as Error).message.split('\n').slice(0, 3).join(' ').slice(0, 600);
          context.log(`${prefix} failed: ${message}`);
          failed.push({ shape: shape.id, variant: variant.id, round, error: message });
        }
      }
    }
  }
  return { runs, failed };
}

function traceShapes(
  runs: readonly OverheadRun[],
  pick: (run: OverheadRun) => TraceShape | undefined,
): TraceShape[] {
  return runs.map(pick).filter((s): s is TraceShape => s !== undefined && s.traces > 0);
}

/** Medians per variant and shape and, per round, comparisons to that round's bare run. */
export function summariseOverhead(
  runs: readonly OverheadRun[],
  failed: readonly FailedRun[],
  shape: ShapeId,
  variants: readonly Variant[],
  versionsOf: (variant: Variant) => string,
): OverheadSummary[] {
  const onShape = runs.filter((r) => r.shape === shape);
  const bareByRound = new Map(
    onShape.filter((r) => r.variant === 'bare').map((r) => [r.round, r.measurement]),
  );
  return variants.map((variant) => {
    const mine = onShape.filter((r) => r.variant === variant.id);
    const m = mine.map((r) => r.measurement);
    const bareOf = (r: OverheadRun): Omit<Measurement, 'rss'> | undefined => bareByRound.get(r.round);
    const paired = (pick: (x: Omit<Measurement, 'rss'>) => number): number =>
      median(mine.map((r) => ratio(pick(r.measurement), pick(bareOf(r) ?? r.measurement))));
    const routes = traceShapes(mine, (r) => r.route);
    const probes = traceShapes(mine, (r) => r.withOutgoingCall);
    return {
      shape,
      variant: variant.id,
      label: variant.label,
      role: variant.role,
      versions: versionsOf(variant),
      rounds: mine.length,
      throughput: median(m.map((x) => x.throughput)),
      p50Ms: median(m.map((x) => x.p50Ms)),
      p99Ms: median(m.map((x) => x.p99Ms)),
      rssPeakMiB: median(m.map((x) => x.rssPeakMiB)),
      idleRssMiB: median(mine.map((r) => r.idleRssMiB)),
      cpuUsPerRequest: median(m.map((x) => x.cpuUsPerRequest)),
      cpuOverheadUs: median(
        mine.map((r) => r.measurement.cpuUsPerRequest - (bareOf(r)?.cpuUsPerRequest ?? Number.NaN)),
      ),
      appCpuCores: median(m.map((x) => x.cpuCores)),
      spansPerRequest: routes.length ? median(routes.map((s) => s.spansPerTrace)) : undefined,
      spansPerRequestWithOutgoingCall: probes.length ? median(probes.map((s) => s.spansPerTrace)) : undefined,
      spanNames: routes[0]?.names,
      vsBare: {
        throughput: paired((x) => x.throughput),
        p99: paired((x) => x.p99Ms),
        rss: paired((x) => x.rssPeakMiB),
        cpu: paired((x) => x.cpuUsPerRequest),
      },
      errors: m.reduce((sum, x) => sum + x.errors + x.non2xx, 0),
      failures: failed.filter((f) => f.shape === shape && f.variant === variant.id).map((f) => f.error),
      sinkTraffic: mine[0]?.sinkTraffic,
    };
  });
}
