/**
 * Runs one of the e2e fixtures (`fixtures/*.cjs`) as a child process on Node, optionally with
 * Faultline's drop-in `--require`, and learns its port from the line it prints once listening.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pollUntil } from '../../support/poll.ts';

/** The `fixtures/` folder of the e2e tests. */
export const fixturesDir = join(__dirname, '..', 'fixtures');

const LISTENING = /^fixture listening on (\d+)$/m;

/** How to start a fixture. */
export interface FixtureOptions {
  /** File name under `fixtures/`. */
  readonly script: string;
  /** The child's whole environment (nothing is inherited but PATH and HOME). */
  readonly env: Record<string, string>;
  /** Node options before the script, such as `--require <register.js>`. */
  readonly nodeArgs?: readonly string[];
  readonly startTimeoutMs?: number;
}

/** A running fixture. */
export interface FixtureProcess {
  readonly url: string;
  readonly port: number;
  /** Everything it printed so far, for failure messages. */
  output(): string;
  /** Ends it (SIGTERM, then SIGKILL if it lingers) and resolves once it has exited. */
  stop(): Promise<void>;
}

function stopper(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(killer);
  };
}

/** Starts `options.script`; resolves once it prints its port. Throws with its output if it exits first. */
export async function startFixture(options: FixtureOptions): Promise<FixtureProcess> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  // process.execPath is the Node that runs jest: Node 24 from the `node` devDependency under npx.
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(fixturesDir, options.script)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = stopper(child);
  try {
    const port = await pollUntil(
      `${options.script} to listen`,
      () => {
        if (child.exitCode !== null) throw new Error(`${options.script} exited with ${child.exitCode}`);
        const match = LISTENING.exec(output);
        return match ? Number(match[1]) : undefined;
      },
      { timeoutMs: options.startTimeoutMs ?? 10_000, intervalMs: 20 },
    );
    return { url: `http://127.0.0.1:${port}`, port, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`${options.script} did not start:\n${output}`, { cause: error });
  }
}
