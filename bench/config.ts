/**
 * The bench's settings, parsed once from the command line and the environment. Defaults keep a
 * full `npm run bench` under 20 minutes on a 2-core machine ({@link estimateDurationS} prints the
 * estimate at start): three interleaved rounds of 8 variants on 3 shapes and 2 yardsticks on express
 * (78 runs of about 9.5 s each with start-up, warm-up, probe and span counting), four
 * backends-down runs of 8 s warm-up plus 12 s, and the demo; `--quick` is a smoke run of one round of
 * everything, under 3 minutes.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHAPE_IDS, type ShapeId } from './shapes.ts';
import { DEFAULT_VARIANTS, REFERENCE_VARIANTS, YARDSTICK_VARIANTS, type VariantId } from './variants.ts';

/** Which parts of the bench to run. */
export type Part = 'overhead' | 'instructions' | 'down' | 'demo';

/** Everything the bench reads from its environment. */
export interface BenchConfig {
  readonly quick: boolean;
  /** Measured seconds per variant per round (BENCH_DURATION_S). */
  readonly durationS: number;
  /** Unmeasured warm-up seconds before each measurement (BENCH_WARMUP_S). */
  readonly warmupS: number;
  /** Interleaved rounds of every variant (BENCH_ROUNDS). */
  readonly rounds: number;
  /** autocannon connections (BENCH_CONNECTIONS). */
  readonly connections: number;
  /** Requests in flight per connection (BENCH_PIPELINING); see run.ts for why it is not 1. */
  readonly pipelining: number;
  /** Seconds under load of each backends-down/healthy run (BENCH_DOWN_DURATION_S). */
  readonly downDurationS: number;
  /**
   * Unmeasured seconds under load before each backends-down/healthy window
   * (BENCH_DOWN_WARMUP_S): long enough for V8 to finish sizing its heap, which otherwise reads
   * as RSS growth late in the window.
   */
  readonly downWarmupS: number;
  /** Rounds of the backends-down pair (BENCH_DOWN_ROUNDS). */
  readonly downRounds: number;
  /**
   * Seconds under load of the CPU profile the full bench takes of Faultline on each shape where
   * it misses a target of its own cost (BENCH_PROFILE_S; none with --quick).
   */
  readonly profileS: number;
  /**
   * Requests counted under callgrind per variant (BENCH_CALLGRIND_REQUESTS), after as many again
   * of warm-up.
   */
  readonly callgrindRequests: number;
  /** Seconds of demo load per scenario (BENCH_DEMO_DURATION_S). */
  readonly demoDurationS: number;
  readonly parts: readonly Part[];
  /** Service shapes of the overhead part (`--shape express,fastify`; default all). */
  readonly shapes: readonly ShapeId[];
  /**
   * Variants of the overhead part (`--variant faultline,dd-trace`, bare always added; default
   * every agent and, on express, the baseline build and the calibration row; `--references` adds
   * the hand-written OTel-SDK and prom-client references).
   */
  readonly variants: readonly VariantId[];
  /** Where results.json goes (`--out <path>`; with --quick, the temporary directory). */
  readonly outFile: string;
  /** Write the table into README.md (off with --quick or --no-readme). */
  readonly updateReadme: boolean;
  /** CPU pinning: app on CPU 0, load generator and sinks on CPU 1 (needs taskset and 2 CPUs). */
  readonly pinning: { readonly app: string; readonly driver: string } | undefined;
}

const PARTS: readonly Part[] = ['overhead', 'instructions', 'down', 'demo'];

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}=${raw} is not accepted: a positive number is`);
  }
  return value;
}

function argValue(argv: readonly string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at === -1 ? undefined : argv[at + 1];
}

function parseParts(raw: string | undefined): readonly Part[] {
  if (raw === undefined) return PARTS;
  const parts = raw.split(',').map((part) => part.trim());
  for (const part of parts) {
    if (!PARTS.includes(part as Part))
      throw new Error(`--only ${raw} is not accepted: ${PARTS.join(', ')} are`);
  }
  return parts as Part[];
}

function parseList<T extends string>(
  argv: readonly string[],
  flag: string,
  accepted: readonly T[],
  fallback: readonly T[],
): readonly T[] {
  const raw = argValue(argv, flag);
  if (raw === undefined) return fallback;
  const items = raw.split(',').map((item) => item.trim());
  for (const item of items) {
    if (!accepted.includes(item as T))
      throw new Error(`${flag} ${raw} is not accepted: ${accepted.join(', ')} are`);
  }
  return items as T[];
}

function parseVariants(argv: readonly string[]): readonly VariantId[] {
  const all = [...DEFAULT_VARIANTS, ...YARDSTICK_VARIANTS, ...REFERENCE_VARIANTS];
  const usual = [...DEFAULT_VARIANTS, ...YARDSTICK_VARIANTS];
  const fallback = argv.includes('--references') ? all : usual;
  const chosen = parseList(argv, '--variant', all, fallback);
  return chosen.includes('bare') ? chosen : ['bare', ...chosen];
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Parses `argv` (without node and script) and `process.env`. Throws one message per bad value. */
export function parseBenchConfig(argv: readonly string[], defaultOutFile: string): BenchConfig {
  const quick = argv.includes('--quick');
  const pin = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2 && hasTaskset();
  return {
    quick,
    durationS: positive('BENCH_DURATION_S', quick ? 1 : 4),
    warmupS: positive('BENCH_WARMUP_S', quick ? 0.5 : 2),
    rounds: Math.round(positive('BENCH_ROUNDS', quick ? 1 : 3)),
    connections: Math.round(positive('BENCH_CONNECTIONS', 50)),
    pipelining: Math.round(positive('BENCH_PIPELINING', 1)),
    downDurationS: positive('BENCH_DOWN_DURATION_S', quick ? 2 : 12),
    downWarmupS: positive('BENCH_DOWN_WARMUP_S', quick ? 0.5 : 8),
    downRounds: Math.round(positive('BENCH_DOWN_ROUNDS', quick ? 1 : 2)),
    profileS: positive('BENCH_PROFILE_S', 5),
    callgrindRequests: Math.round(positive('BENCH_CALLGRIND_REQUESTS', quick ? 200 : 5000)),
    demoDurationS: positive('BENCH_DEMO_DURATION_S', quick ? 2 : 10),
    parts: parseParts(argValue(argv, '--only')),
    shapes: parseList(argv, '--shape', SHAPE_IDS, SHAPE_IDS),
    variants: parseVariants(argv),
    // A quick run's figures are a smoke test: they never replace the committed results.
    outFile:
      argValue(argv, '--out') ?? (quick ? join(tmpdir(), 'faultline-bench-quick.json') : defaultOutFile),
    updateReadme: !quick && !argv.includes('--no-readme'),
    pinning: pin ? { app: '0', driver: '1' } : undefined,
  };
}

/**
 * The variants counted under callgrind (on express), of those chosen: bare and each Faultline
 * build; a quick run counts bare and the defaults only.
 */
export function countedVariants(config: BenchConfig): VariantId[] {
  const counted: readonly VariantId[] = config.quick
    ? ['bare', 'faultline']
    : ['bare', 'faultline', 'faultline-traces-off', 'faultline-baseline'];
  return config.variants.filter((id) => counted.includes(id));
}

/** Seconds each overhead run takes beyond its warm-up and measured window (start, probe, stop, decoding). */
const RUN_OVERHEAD_S = 3;
/** Seconds each backends-down run takes beyond its windows. */
const DOWN_OVERHEAD_S = 1.5;
/** Seconds a request takes under callgrind (about 50 times its time without), and its start-up. */
const CALLGRIND_REQUEST_S = 0.004;
const CALLGRIND_START_S = 12;
/** Seconds the demo takes to start and stop (several services, a database and a queue). */
const DEMO_OVERHEAD_S = 15;

/**
 * The whole bench's expected duration in seconds, given how many overhead runs a round has, on
 * how many shapes Faultline may be profiled (at most one profile per shape) and how many variants
 * are counted under callgrind.
 */
export function estimateDurationS(
  config: BenchConfig,
  runsPerRound: number,
  profiles: number,
  counted = 0,
): number {
  let total = 0;
  if (config.parts.includes('instructions'))
    total += counted * (CALLGRIND_START_S + 2 * config.callgrindRequests * CALLGRIND_REQUEST_S);
  if (config.parts.includes('overhead')) {
    total += config.rounds * runsPerRound * (config.warmupS + config.durationS + RUN_OVERHEAD_S);
    total += profiles * (config.warmupS + config.profileS + RUN_OVERHEAD_S);
  }
  if (config.parts.includes('down'))
    total += config.downRounds * 2 * (config.downWarmupS + config.downDurationS + DOWN_OVERHEAD_S);
  if (config.parts.includes('demo')) total += 2 * config.demoDurationS + DEMO_OVERHEAD_S;
  return total;
}
