/**
 * The baseline build: Faultline as it was when the issues quoting its cost were filed (the last
 * commit of 2026-11-25, whose bench run gave 30 µs per request and 0.70× bare), built from this
 * repository's own history into a cache directory and run beside today's build in the same bench
 * run. Absolute figures move with the machine (that run's host did bare express in 22.5 µs, this
 * kind's in about 47), so "at or above its figures" is judged against that build measured here,
 * in the same rounds, rather than against numbers taken on another host.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The commit the issues' figures were measured on (bench/results.json of d86cd5c). */
export const BASELINE_REV = 'bdabcd7ec18929a2d5ea7ebd27d43944eea27d5e';

/** Where the baseline build lives (under node_modules, so a fresh clone starts without it). */
export function baselineDir(root: string, rev: string = BASELINE_REV): string {
  return join(root, 'node_modules', '.cache', 'faultline-bench', `baseline-${rev.slice(0, 12)}`);
}

/** The baseline's drop-in entry point. */
export function baselineRegister(root: string, rev: string = BASELINE_REV): string {
  return join(baselineDir(root, rev), 'instrumentation', 'dist', 'register.js');
}

/** What preparing the baseline gave: its entry point, or why it cannot be run. */
export type BaselineBuild =
  | { readonly status: 'ready'; readonly register: string }
  | { readonly status: 'unavailable'; readonly reason: string };

function run(command: string, args: readonly string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 10 * 60_000 });
}

/**
 * Builds the baseline once (git archive of `rev`, `npm ci`, the instrumentation's build) and
 * reuses it afterwards. A checkout without that history (a tarball, a shallow clone) gets the
 * reason instead, and the bench runs without the baseline row.
 */
export function prepareBaseline(root: string, rev: string = BASELINE_REV): BaselineBuild {
  const register = baselineRegister(root, rev);
  if (existsSync(register)) return { status: 'ready', register };
  const dir = baselineDir(root, rev);
  try {
    run('git', ['cat-file', '-e', `${rev}^{commit}`], root);
  } catch {
    return { status: 'unavailable', reason: `commit ${rev} is not in this checkout's history` };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const archive = execFileSync('git', ['archive', '--format=tar', rev], {
      cwd: root,
      maxBuffer: 1 << 30,
    });
    execFileSync('tar', ['-x', '-C', dir], { input: archive, stdio: ['pipe', 'ignore', 'pipe'] });
    run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    run('npm', ['run', 'build'], dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const message = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').at(-1);
    return {
      status: 'unavailable',
      reason: `building ${rev} failed: ${message ?? (error as Error).message}`,
    };
  }
  return existsSync(register)
    ? { status: 'ready', register }
    : { status: 'unavailable', reason: `building ${rev} gave no ${register}` };
}
