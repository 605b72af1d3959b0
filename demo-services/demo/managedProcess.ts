/**
 * A child process of the demo: started with its environment, its output appended to a log
 * file, stoppable gracefully (SIGTERM, then SIGKILL) or killable at once by chaos, and
 * restartable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

/** How to start one process. */
export interface ProcessSpec {
  /** Instance name, e.g. `gateway-1`. */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  /** Working directory (default: the demo's). */
  cwd?: string;
}

/** A supervised child. */
export class ManagedProcess {
  readonly spec: ProcessSpec;
  #child: ChildProcess | undefined;
  #log: WriteStream | undefined;

  constructor(spec: ProcessSpec) {
    this.spec = spec;
  }

  /** Whether the child is alive. */
  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The child's pid while it runs. */
  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  /** Starts the child (no-op if it runs). */
  start(): void {
    if (this.running) return;
    this.#log ??= createWriteStream(this.spec.logFile, { flags: 'a' });
    const child = spawn(this.spec.command, this.spec.args, {
      env: this.spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(this.#log, { end: false });
    child.stderr?.pipe(this.#log, { end: false });
    child.on('error', (error) =>
      this.#log?.write(`[demo] ${this.spec.name} failed to start: ${error.message}\n`),
    );
    this.#child = child;
  }

  /** Kills the child at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL', 0);
  }

  /** Stops gracefully: SIGTERM, SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    await this.#signal('SIGTERM', graceMs);
    this.#log?.end();
    this.#log = undefined;
  }

  async #signal(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    if (graceMs > 0) {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    } else {
      await exited;
    }
  }
}
