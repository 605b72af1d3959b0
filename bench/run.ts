/**
 * `npm run bench`: overhead side by side (Faultline against the agents users pick instead, on
 * three service shapes), backends down, and demo throughput, in one bounded run on loopback.
 * Prints a table, writes bench/results.json and the README's bench section.
 * Flags: --quick (smoke run), --only overhead,instructions,down,demo, --shape <ids>, --variant <ids>,
 * --references, --out <file>, --no-readme.
 * Environment: BENCH_DURATION_S, BENCH_WARMUP_S, BENCH_ROUNDS, BENCH_CONNECTIONS,
 * BENCH_DOWN_DURATION_S, BENCH_DOWN_WARMUP_S, BENCH_DOWN_ROUNDS, BENCH_CALLGRIND_REQUESTS,
 * BENCH_DEMO_DURATION_S, BENCH_PIN=0 (no taskset).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startApp } from './appProcess.ts';
import { BASELINE_REV, baselineDir, prepareBaseline } from './baseline.ts';
import {
  runBackendsDown,
  summariseBackendsDown,
  type BackendsRun,
  type BackendsSummary,
} from './backendsDown.ts';
import {
  countedVariants as countedVariantIds,
  estimateDurationS,
  parseBenchConfig,
  type BenchConfig,
} from './config.ts';
import { runDemoThroughput, type DemoResult } from './demoThroughput.ts';
import { countInstructions, hasCallgrind, type InstructionsResult } from './instructions.ts';
import { describeMachine } from './machine.ts';
import { runLoad } from './measure.ts';
import {
  runOverhead,
  summariseOverhead,
  type FailedRun,
  type OverheadRun,
  type OverheadSummary,
} from './overhead.ts';
import { profileVariant, type ProfileSummary } from './profiler.ts';
import { previousFigures } from './previous.ts';
import { renderMarkdown, updateReadme, writeResults, type BenchReport, type ShapeReport } from './report.ts';
import { shapes as allShapes, whyNotRunnable, type Shape } from './shapes.ts';
import { startSink, type Sink } from './sink.ts';
import { checkTargets, type TargetCheck } from './targets.ts';
import { baseEnv, variants, type Variant } from './variants.ts';
import { installedVersions } from './versions.ts';

const root = join(import.meta.dirname, '..');
const config: BenchConfig = parseBenchConfig(process.argv.slice(2), join(root, 'bench', 'results.json'));
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const all = variants(root);
const shapeById = allShapes(root);
const appScript = shapeById.express.script;
let chosenVariants: Variant[] = [];
const variantsOf = (shape: Shape): Variant[] =>
  chosenVariants.filter((variant) => shape.id === 'express' || !variant.expressOnly);
const versionsOf = (variant: Variant): string => installedVersions(root, variant.packages);
const load = {
  path: '/users/42',
  connections: config.connections,
  pipelining: config.pipelining,
  durationS: config.durationS,
};

/** The chosen variants, without the baseline build when it cannot be built here (said why). */
function runnableVariants(): Variant[] {
  return config.variants.flatMap((id) => {
    // Both the overhead and the instructions part run the baseline build; the others never do.
    const needed = config.parts.includes('overhead') || config.parts.includes('instructions');
    if (id !== 'faultline-baseline' || !needed) return [all[id]];
    log(`baseline: Faultline at ${BASELINE_REV.slice(0, 7)} (built once into ${baselineDir(root)})`);
    const build = prepareBaseline(root);
    if (build.status === 'ready') return [all[id]];
    log(`baseline not run: ${build.reason}`);
    return [];
  });
}

/** Warms the load generator itself (its JIT) so the first measured variant is not penalised. */
async function warmDriver(): Promise<void> {
  const app = await startApp({
    node: process.execPath,
    script: appScript,
    preload: [],
    env: baseEnv(),
    cpu: config.pinning?.app,
    cwd: root,
  });
  try {
    await runLoad(app.url, { ...load, durationS: Math.max(1, config.warmupS) });
  } finally {
    await app.stop();
  }
}

/** The chosen shapes, each with the reason it cannot run here if one of its services is down. */
async function shapeReports(): Promise<{ runnable: Shape[]; reports: ShapeReport[] }> {
  const runnable: Shape[] = [];
  const reports: ShapeReport[] = [];
  for (const id of config.shapes) {
    const shape = shapeById[id];
    const skipped = await whyNotRunnable(shape);
    if (skipped === undefined) runnable.push(shape);
    else log(`shape ${id} not run: ${skipped}`);
    reports.push({
      id,
      label: shape.label,
      clientCallsPerRequest: shape.clientCallsPerRequest,
      versions: installedVersions(root, shape.packages),
      skipped,
    });
  }
  return { runnable, reports };
}

async function overheadPart(
  sink: Sink,
  shapes: readonly Shape[],
): Promise<{ runs: OverheadRun[]; failed: FailedRun[]; summary: OverheadSummary[] }> {
  const perRound = shapes.reduce((n, shape) => n + variantsOf(shape).length, 0);
  log(`overhead: ${perRound} runs (shapes × variants) × ${config.rounds} rounds, interleaved`);
  const { runs, failed } = await runOverhead({
    node: process.execPath,
    root,
    appCpu: config.pinning?.app,
    sink,
    load,
    warmupS: config.warmupS,
    rounds: config.rounds,
    shapes,
    variantsOf,
    log,
  });
  const summary = shapes.flatMap((shape) =>
    summariseOverhead(runs, failed, shape.id, variantsOf(shape), versionsOf),
  );
  return { runs, failed, summary };
}

async function downPart(sink: Sink): Promise<{ runs: BackendsRun[]; summary: BackendsSummary }> {
  log(
    `backends down: healthy vs down × ${config.downRounds} rounds, ${config.downDurationS} s each ` +
      `after ${config.downWarmupS} s of warm-up`,
  );
  const runs = await runBackendsDown({
    node: process.execPath,
    root,
    appScript,
    appCpu: config.pinning?.app,
    sink,
    variant: all.faultline,
    load: { ...load, durationS: config.downDurationS },
    warmupS: config.downWarmupS,
    rounds: config.downRounds,
    log,
  });
  return { runs, summary: summariseBackendsDown(runs) };
}

async function demoPart(sink: Sink): Promise<DemoResult> {
  log(`demo throughput: healthy and provider down, ${config.demoDurationS} s each`);
  sink.reset();
  try {
    return await runDemoThroughput({ root, durationS: config.demoDurationS, otlpUrl: sink.url, log });
  } catch (error) {
    log(`  demo not measured: ${(error as Error).message}`);
    return {
      status: 'skipped',
      reason: `the demo did not start: ${(error as Error).message.split('\n')[0]}`,
    };
  } finally {
    sink.reset();
  }
}

/** The variants counted under callgrind that can run here. */
const countedVariants = (): Variant[] => {
  const counted = countedVariantIds(config);
  return chosenVariants.filter((variant) => counted.includes(variant.id));
};

async function instructionsPart(sink: Sink): Promise<InstructionsResult[]> {
  if (!hasCallgrind()) {
    log('instructions: not counted (valgrind is not installed)');
    return [];
  }
  const requests = config.callgrindRequests;
  log(`instructions: ${requests} requests per variant under callgrind, after ${requests} of warm-up`);
  const results: InstructionsResult[] = [];
  for (const variant of countedVariants()) {
    sink.reset();
    const result = await countInstructions({
      node: process.execPath,
      root,
      shape: shapeById.express,
      variant,
      sink,
      load: { path: load.path, warmupRequests: requests, requests, connections: 10 },
    });
    log(
      `  ${variant.label}: ` +
        (result.status === 'counted'
          ? `${Math.round(result.perRequest)} instructions/request`
          : result.reason),
    );
    results.push(result);
  }
  sink.reset();
  return results;
}

/** What the parts produced. */
interface PartsResult {
  overhead: OverheadSummary[] | undefined;
  instructions: InstructionsResult[] | undefined;
  backendsDown: BackendsSummary | undefined;
  demo: DemoResult | undefined;
  profiles: ProfileSummary[];
  raw: Record<string, unknown>;
}

/** Profiles Faultline on each shape where it missed a target of its own cost, for the README's reasons. */
async function profilePart(
  sink: Sink,
  shapes: readonly Shape[],
  targets: readonly TargetCheck[],
): Promise<ProfileSummary[]> {
  const costly = new Set(['cpu-vs-peers', 'throughput', 'p99', 'rss']);
  const profiles: ProfileSummary[] = [];
  for (const shape of shapes) {
    if (!targets.some((t) => !t.met && t.shape === shape.id && costly.has(t.id))) continue;
    log(`profile: Faultline on ${shape.id} (${config.profileS} s under load with --cpu-prof)`);
    sink.reset();
    try {
      profiles.push(
        await profileVariant({
          root,
          shape,
          variant: all.faultline,
          backends: { sinkUrl: sink.url, elasticsearchUrl: undefined },
          load: { ...load, durationS: config.profileS },
          warmupS: config.warmupS,
          cpu: config.pinning?.app,
        }),
      );
    } catch (error) {
      log(`  not profiled: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return profiles;
}

async function runParts(
  sink: Sink,
  runnable: readonly Shape[],
  shapes: readonly ShapeReport[],
): Promise<PartsResult> {
  const result: PartsResult = {
    overhead: undefined,
    instructions: undefined,
    backendsDown: undefined,
    demo: undefined,
    profiles: [],
    raw: {},
  };
  await warmDriver();
  if (config.parts.includes('overhead')) {
    const part = await overheadPart(sink, runnable);
    result.overhead = part.summary;
    result.raw.overheadRuns = part.runs;
    result.raw.failedRuns = part.failed;
    if (!config.quick)
      result.profiles = await profilePart(sink, runnable, checkTargets(shapes, part.summary, undefined));
  }
  if (config.parts.includes('instructions')) result.instructions = await instructionsPart(sink);
  if (config.parts.includes('down')) {
    const part = await downPart(sink);
    result.backendsDown = part.summary;
    result.raw.backendsRuns = part.runs;
  }
  if (config.parts.includes('demo')) {
    // The demo is many processes: they get every CPU, not the load generator's one.
    if (config.pinning)
      execFileSync('taskset', ['-pc', `0-${availableParallelism() - 1}`, String(process.pid)], {
        stdio: 'ignore',
      });
    result.demo = await demoPart(sink);
  }
  return result;
}

function settings(pinning: string): Record<string, unknown> {
  return {
    quick: config.quick,
    connections: config.connections,
    pipelining: config.pipelining,
    durationS: config.durationS,
    warmupS: config.warmupS,
    rounds: config.rounds,
    downDurationS: config.downDurationS,
    downWarmupS: config.downWarmupS,
    downRounds: config.downRounds,
    callgrindRequests: config.callgrindRequests,
    pinning,
  };
}

async function main(): Promise<void> {
  if (config.pinning)
    execFileSync('taskset', ['-pc', config.pinning.driver, String(process.pid)], { stdio: 'ignore' });
  const pinning = config.pinning
    ? `app pinned to CPU ${config.pinning.app}, autocannon and sinks to CPU ${config.pinning.driver} (taskset)`
    : 'not pinned (taskset or a second CPU missing)';
  const machine = describeMachine();
  log(
    `machine: ${machine.cpus}× ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverage.join(' ')}; ${pinning}`,
  );
  chosenVariants = runnableVariants();
  const { runnable, reports: shapes } = await shapeReports();
  const perRound = runnable.reduce((n, shape) => n + variantsOf(shape).length, 0);
  const estimate = estimateDurationS(
    config,
    perRound,
    config.quick ? 0 : runnable.length,
    countedVariants().length,
  );
  log(`estimated duration: ${Math.floor(estimate / 60)} min ${Math.round(estimate % 60)} s (at most)`);
  const startedAt = performance.now();
  const sink = await startSink();
  let parts: PartsResult;
  try {
    parts = await runParts(sink, runnable, shapes);
  } finally {
    await sink.close();
  }
  const tookS = (performance.now() - startedAt) / 1000;
  log(`took ${Math.floor(tookS / 60)} min ${Math.round(tookS % 60)} s`);
  const { raw, ...results } = parts;
  const report: BenchReport = {
    takenAt: new Date().toISOString(),
    tookS,
    machine,
    machineAfter: describeMachine(),
    settings: settings(pinning),
    shapes,
    ...results,
    targets: checkTargets(shapes, results.overhead, results.backendsDown, results.instructions),
    previous: previousFigures(join(root, 'bench', 'results.json')),
    raw,
  };
  writeResults(config.outFile, report);
  const markdown = renderMarkdown(report);
  log(`\n${markdown}\n`);
  log(`results: ${config.outFile}`);
  if (config.updateReadme) {
    updateReadme(join(root, 'README.md'), markdown);
    log('README.md bench section updated');
  }
}

await main();
