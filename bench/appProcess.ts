/**
 * One bench service as a child process, started the way a user starts it (`node [--require X]
 * app.cjs`), optionally pinned to one CPU with taskset. Its CPU time and RSS are read from
 * /proc/<pid>, so they are the kernel's figures, not the app's own view.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort } from '../backends/ports.ts';
import type { Preload } from './variants.ts';

/** How to start the app. */
export interface AppLaunch {
  readonly node: string;
  readonly script: string;
  /** Modules loaded before the app, each with its flag (--require or --import). */
  readonly preload: readonly Preload[];
  readonly execArgv?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** CPU list for taskset (undefined: not pinned). */
  readonly cpu: string | undefined;
  /** A command the app runs under, with its arguments (valgrind); not combined with `cpu`. */
  readonly wrapper?: readonly string[];
  readonly cwd: string;
}

/** A running app. */
export interface RunningApp {
  readonly pid: number;
  readonly url: string;
  /** User + system CPU seconds used so far. */
  cpuSeconds(): number;
  /** Resident set size now, in MiB. */
  rssMiB(): number;
  /** What the app wrote to stderr (last 4 KiB). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const CLOCK_TICKS = 100;

export { freePort };

/** Reads utime + stime of `pid` from /proc/<pid>/stat, in seconds. */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command name start at field 3 (state); utime is 14 and stime 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Reads VmRSS of `pid` from /proc/<pid>/status, in MiB. */
export function readRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Starts the app and resolves once it reports it is listening (or rejects if it exits first). */
export async function startApp(launch: AppLaunch, readyTimeoutMs = 20_000): Promise<RunningApp> {
  const port = await freePort();
  const nodeArgs = [
    ...(launch.execArgv ?? []),
    ...launch.preload.flatMap((p) => [p.flag, p.module]),
    launch.script,
  ];
  const prefix = launch.wrapper ?? (launch.cpu === undefined ? [] : ['taskset', '-c', launch.cpu]);
  const [command, ...args] = [...prefix, launch.node, ...nodeArgs] as [string, ...string[]];
  const child = spawn(command, args, {
    cwd: launch.cwd,
    env: { ...launch.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-4096);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitReady(child, exited, readyTimeoutMs, () => err);
  const pid = child.pid!;
  return {
    pid,
    url: `http://127.0.0.1:${port}`,
    cpuSeconds: () => readCpuSeconds(pid),
    rssMiB: () => readRssMiB(pid),
    stderr: () => err,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitReady(
  child: ChildProcess,
  exited: Promise<void>,
  timeoutMs: number,
  err: () => string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench app did not listen within ${timeoutMs} ms: ${err()}`));
    }, timeoutMs);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`bench app exited before listening: ${err()}`));
    });
  });
}
