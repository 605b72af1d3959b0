/**
 * `npm run bench`: overhead side by side, backends down, and demo throughput, in one bounded
 * run on loopback. Prints a table, writes bench/results.json and the README's bench section.
 * Flags: --quick (smoke run), --only overhead,down,demo, --out <file>, --no-readme.
 * Environment: BENCH_DURATION_S, BENCH_WARMUP_S, BENCH_ROUNDS, BENCH_CONNECTIONS,
 * BENCH_DOWN_DURATION_S, BENCH_DOWN_WARMUP_S, BENCH_DOWN_ROUNDS, BENCH_DEMO_DURATION_S, BENCH_PIN=0 (no taskset).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { startApp } from './appProcess.ts';
import {
  runBackendsDown,
  summariseBackendsDown,
  type BackendsRun,
  type BackendsSummary,
} from './backendsDown.ts';
import { parseBenchConfig, type BenchConfig } from './config.ts';
import { runDemoThroughput, type DemoResult } from './demoThroughput.ts';
import { describeMachine } from './machine.ts';
import { runLoad } from './measure.ts';
import { runOverhead, summariseOverhead, type OverheadRun, type OverheadSummary } from './overhead.ts';
import { checkTargets, renderMarkdown, updateReadme, writeResults, type BenchReport } from './report.ts';
import { startOtlpSink, type OtlpSink } from './sink.ts';
import { baseEnv, variants } from './variants.ts';

const root = join(import.meta.dirname, '..');
const appScript = join(root, 'bench', 'app', 'express-app.cjs');
const config: BenchConfig = parseBenchConfig(process.argv.slice(2), join(root, 'bench', 'results.json'));
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const all = variants(root);
const overheadVariants = [
  all.bare,
  all.faultline,
  all['faultline-traces-off'],
  all['otel-defaults'],
  all['otel-http-express'],
  all['prom-client-only'],
];
const load = {
  path: '/users/42',
  connections: config.connections,
  pipelining: config.pipelining,
  durationS: config.durationS,
};

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

async function overheadPart(sink: OtlpSink): Promise<{ runs: OverheadRun[]; summary: OverheadSummary[] }> {
  log(`overhead: ${overheadVariants.length} variants × ${config.rounds} rounds, interleaved`);
  const runs = await runOverhead({
    node: process.execPath,
    root,
    appScript,
    appCpu: config.pinning?.app,
    sink,
    load,
    warmupS: config.warmupS,
    rounds: config.rounds,
    variants: overheadVariants,
    log,
  });
  return { runs, summary: summariseOverhead(runs, overheadVariants) };
}

async function downPart(sink: OtlpSink): Promise<{ runs: BackendsRun[]; summary: BackendsSummary }> {
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

async function demoPart(sink: OtlpSink): Promise<DemoResult> {
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
  const sink = await startOtlpSink();
  const raw: Record<string, unknown> = {};
  let overhead: OverheadSummary[] | undefined;
  let backendsDown: BackendsSummary | undefined;
  let demo: DemoResult | undefined;
  try {
    await warmDriver();
    if (config.parts.includes('overhead')) {
      const part = await overheadPart(sink);
      overhead = part.summary;
      raw.overheadRuns = part.runs;
    }
    if (config.parts.includes('down')) {
      const part = await downPart(sink);
      backendsDown = part.summary;
      raw.backendsRuns = part.runs;
    }
    if (config.parts.includes('demo')) {
      // The demo is many processes: they get every CPU, not the load generator's one.
      if (config.pinning)
        execFileSync('taskset', ['-pc', `0-${availableParallelism() - 1}`, String(process.pid)], {
          stdio: 'ignore',
        });
      demo = await demoPart(sink);
    }
  } finally {
    await sink.close();
  }
  const report: BenchReport = {
    takenAt: new Date().toISOString(),
    machine,
    machineAfter: describeMachine(),
    settings: {
      quick: config.quick,
      connections: config.connections,
      pipelining: config.pipelining,
      durationS: config.durationS,
      warmupS: config.warmupS,
      rounds: config.rounds,
      downDurationS: config.downDurationS,
      downWarmupS: config.downWarmupS,
      downRounds: config.downRounds,
      pinning,
    },
    overhead,
    backendsDown,
    demo,
    targets: checkTargets(overhead, backendsDown),
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
