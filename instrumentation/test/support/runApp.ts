/**
 * Starts a fixture app as a real child process with the drop-in flag, the way a user runs a
 * service, and gives tests its URL, its metrics endpoint and its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../../backends/ports.ts';
import { join } from 'node:path';

/** The repository root (tests run from it). */
export const ROOT = join(__dirname, '..', '..', '..');
/** Node 24 from the `node` devDependency. */
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');
/** The built drop-in entry. */
export const REGISTER = join(ROOT, 'instrumentation', 'dist', 'register.js');

export { freePort };

/** Polls `check` until it returns a value other than undefined, or fails at the deadline. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 15_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A running fixture app. */
export interface RunningApp {
  readonly url: string;
  readonly metricsUrl: string;
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Parsed JSON lines of stdout. */
  logLines(): Record<string, unknown>[];
  metrics(accept?: string): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Options of {@link runApp}. */
export interface RunAppOptions {
  readonly script: string;
  /** `--require` (CommonJS) or `--import` (ESM). */
  readonly flag: '--require' | '--import';
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly register?: string;
  readonly execArgv?: string[];
}

/** Starts `script` with the register flag and waits until it prints `listening`. */
export async function runApp(options: RunAppOptions): Promise<RunningApp> {
  const port = await freePort();
  const metricsPort = await freePort();
  const child = spawn(
    NODE,
    [...(options.execArgv ?? []), options.flag, options.register ?? REGISTER, options.script],
    {
      cwd: options.cwd ?? ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        FAULTLINE_METRICS_PORT: String(metricsPort),
        FAULTLINE_METRICS_HOST: '127.0.0.1',
        OTEL_SERVICE_NAME: 'example-app',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await eventually(
    () =>
      out.includes('listening')
        ? true
        : child.exitCode !== null
          ? Promise.reject(new Error(`app exited: ${err}`))
          : undefined,
    {
      what: `app ${options.script} to listen`,
    },
  );
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  return {
    url: `http://127.0.0.1:${port}`,
    metricsUrl,
    child,
    stdout: () => out,
    stderr: () => err,
    logLines: () =>
      out
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    metrics: async (accept?: string) => {
      const response = await fetch(metricsUrl, accept ? { headers: { accept } } : {});
      return response.text();
    },
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The value of one series in a Prometheus text exposition, or undefined. */
export function sampleValue(
  exposition: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const matches = Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
