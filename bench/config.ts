/**
 * The bench's settings, parsed once from the command line and the environment. Defaults keep a
 * full `npm run bench` near seven minutes on a 2-core machine: three interleaved rounds of the
 * six overhead variants (each run about 12 s with start-up and span counting, so a fourth round
 * would add over a minute), and four backends runs of 12 s warm-up plus 20 s; `--quick` is a
 * smoke run.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** Which parts of the bench to run. */
export type Part = 'overhead' | 'down' | 'demo';

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
  /** Seconds of demo load per scenario (BENCH_DEMO_DURATION_S). */
  readonly demoDurationS: number;
  readonly parts: readonly Part[];
  /** Where results.json goes (`--out <path>`). */
  readonly outFile: string;
  /** Write the table into README.md (off with --quick or --no-readme). */
  readonly updateReadme: boolean;
  /** CPU pinning: app on CPU 0, load generator and sinks on CPU 1 (needs taskset and 2 CPUs). */
  readonly pinning: { readonly app: string; readonly driver: string } | undefined;
}

const PARTS: readonly Part[] = ['overhead', 'down', 'demo'];

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
    durationS: positive('BENCH_DURATION_S', quick ? 1 : 6),
    warmupS: positive('BENCH_WARMUP_S', quick ? 0.5 : 2),
    rounds: Math.round(positive('BENCH_ROUNDS', quick ? 1 : 3)),
    connections: Math.round(positive('BENCH_CONNECTIONS', 50)),
    pipelining: Math.round(positive('BENCH_PIPELINING', 1)),
    downDurationS: positive('BENCH_DOWN_DURATION_S', quick ? 2 : 20),
    downWarmupS: positive('BENCH_DOWN_WARMUP_S', quick ? 0.5 : 12),
    downRounds: Math.round(positive('BENCH_DOWN_ROUNDS', quick ? 1 : 2)),
    demoDurationS: positive('BENCH_DEMO_DURATION_S', quick ? 2 : 10),
    parts: parseParts(argValue(argv, '--only')),
    outFile: argValue(argv, '--out') ?? defaultOutFile,
    updateReadme: !quick && !argv.includes('--no-readme'),
    pinning: pin ? { app: '0', driver: '1' } : undefined,
  };
}
