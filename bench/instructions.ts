/**
 * Part 2, instructions: the user-space instructions the app executes per request, counted by
 * valgrind's callgrind (every thread, JIT-compiled code included) over a fixed number of requests
 * after a warm-up. Unlike CPU time, the count does not move with the machine's other work or with
 * how the hypervisor charges wake-ups, so it is the figure that says whether a change made
 * Faultline do more or less work per request; the throughput tables say what that costs here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startApp } from './appProcess.ts';
import type { Shape } from './shapes.ts';
import type { Sink } from './sink.ts';
import { baseEnv, type Variant, type VariantId } from './variants.ts';

/** How many requests are counted, after how many of warm-up, on how many connections. */
export interface InstructionsLoad {
  readonly path: string;
  readonly warmupRequests: number;
  readonly requests: number;
  readonly connections: number;
}

/** One variant's count, or why it has none. */
export type InstructionsResult =
  | { readonly variant: VariantId; readonly status: 'counted'; readonly perRequest: number }
  | { readonly variant: VariantId; readonly status: 'failed'; readonly reason: string };

/** The total instruction count (`Ir`) of a callgrind dump: its `totals:` or `summary:` line. Pure. */
export function dumpTotal(dump: string): number | undefined {
  const match = /^(?:totals|summary):\s+(\d+)/m.exec(dump);
  return match ? Number(match[1]) : undefined;
}

/** Whether valgrind and callgrind_control are installed (Debian's valgrind package has both). */
export function hasCallgrind(): boolean {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['-h'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function fire(url: string, requests: number, connections: number): Promise<void> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, amount: requests, timeout: 30 }, (error, result) => {
      if (error) reject(error);
      else if (result.errors + result.non2xx > 0)
        reject(new Error(`${result.errors} errors and ${result.non2xx} non-2xx answers under callgrind`));
      else resolve();
    });
  });
}

function control(pid: number, command: '--zero' | '--dump'): void {
  execFileSync('callgrind_control', [command, String(pid)], { stdio: 'ignore', timeout: 60_000 });
}

/** The newest dump of `dir` once callgrind has written it. */
async function newestDumpTotal(dir: string, before: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const dumps = readdirSync(dir).filter((name) => name.startsWith('callgrind.out'));
    if (dumps.length > before) {
      const total = dumpTotal(readFileSync(join(dir, dumps.sort().at(-1)!), 'utf8'));
      if (total !== undefined) return total;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('callgrind wrote no dump');
}

/** Counts one variant's instructions per request on `shape`. */
export async function countInstructions(options: {
  readonly node: string;
  readonly root: string;
  readonly shape: Shape;
  readonly variant: Variant;
  readonly sink: Sink;
  readonly load: InstructionsLoad;
}): Promise<InstructionsResult> {
  const { node, root, shape, variant, sink, load } = options;
  const dir = mkdtempSync(join(tmpdir(), 'faultline-callgrind-'));
  try {
    const app = await startApp(
      {
        node,
        script: shape.script,
        preload: variant.preload,
        wrapper: [
          'valgrind',
          '--tool=callgrind',
          `--callgrind-out-file=${dir}/callgrind.out.%p`,
          '--dump-instr=no',
        ],
        env: {
          ...baseEnv(),
          ...shape.env,
          ...variant.env({ sinkUrl: sink.url, elasticsearchUrl: undefined }, 0),
        },
        cpu: undefined,
        cwd: root,
      },
      180_000,
    );
    try {
      const url = `${app.url}${load.path}`;
      await fire(url, load.warmupRequests, load.connections);
      control(app.pid, '--zero');
      await fire(url, load.requests, load.connections);
      const before = readdirSync(dir).filter((name) => name.startsWith('callgrind.out')).length;
      control(app.pid, '--dump');
      const total = await newestDumpTotal(dir, before);
      return { variant: variant.id, status: 'counted', perRequest: total / load.requests };
    } finally {
      await app.stop(30_000);
    }
  } catch (error) {
    return { variant: variant.id, status: 'failed', reason: (error as Error).message.split('\n')[0]! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
