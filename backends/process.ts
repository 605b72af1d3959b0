/**
 * One running backend process: started on ports chosen up front, waited for by a readiness
 * probe (never a fixed sleep), stopped with SIGTERM (SIGKILL after a grace period), with its
 * output kept in a log file whose tail is quoted when it fails to start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { childEnv } from './config.ts';

/** How to start one backend. */
export interface BackendSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile: string;
  /** Resolves true once the backend serves. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
}

/** A started backend. */
export interface BackendProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Whether the process is still alive. */
  readonly running: boolean;
  stop(): Promise<void>;
}

/** Whether `url` answers with a status below 400. */
export async function answers(url: string, init?: RequestInit): Promise<boolean> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  if (response) await response.body?.cancel();
  return response !== undefined && response.status < 400;
}

async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').slice(-25).join('\n');
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  const done = exited(child);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  // Unreferenced: a process that exits at once must not keep the caller alive for the grace period.
  const timer = delay(graceMs, undefined, { ref: false }).then(() => 'timeout' as const);
  if ((await Promise.race([done, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await done;
  }
}

/** Starts `spec` and resolves once it is ready; rejects (process stopped) with its log's tail. */
export async function startBackend(spec: BackendSpec): Promise<BackendProcess> {
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  await new Promise((resolve) => log.once('open', resolve));
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: childEnv(spec.env),
    stdio: ['ignore', log, log],
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const stop = async () => {
    await stopChild(child, spec.stopTimeoutMs ?? 10_000);
    log.end();
  };
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 60_000);
  for (;;) {
    const failure = await Promise.race([spawnError, delay(0).then(() => undefined)]);
    const gone = child.exitCode !== null || child.signalCode !== null;
    if (failure || gone || Date.now() >= deadline) {
      await stop();
      const why = failure
        ? `could not start ${spec.command}: ${failure.message}`
        : gone
          ? `exited with ${child.exitCode ?? child.signalCode}`
          : `not ready within ${spec.readyTimeoutMs ?? 60_000} ms`;
      throw new Error(`${spec.name} ${why}; log ${spec.logFile}:\n${await logTail(spec.logFile)}`);
    }
    if (await spec.ready().catch(() => false)) break;
    await delay(200);
  }
  return {
    name: spec.name,
    pid: child.pid ?? -1,
    logFile: spec.logFile,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    stop,
  };
}
