/**
 * The real Prometheus and Alertmanager (Debian binaries) for the console's tests: each on a
 * free port with its own temporary directory, ready when returned, removed by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './waitFor.ts';

/** A running server process. */
export interface RunningProcess {
  readonly url: string;
  stop(): Promise<void>;
}

import { freePort } from '../../shared/freePorts.ts';

export { freePort, freePortRange } from '../../shared/freePorts.ts';

async function run(
  name: string,
  binary: string,
  args: (dir: string, port: number) => string[],
  files: (dir: string) => Record<string, string>,
): Promise<RunningProcess> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `faultline-console-${name}-`));
  for (const [file, content] of Object.entries(files(dir))) await writeFile(path.join(dir, file), content);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(binary, args(dir, port), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const failedToStart = exited.then(() => {
    throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}: ${stderr}`);
  });
  failedToStart.catch(() => undefined); // awaited only while starting
  try {
    await Promise.race([
      failedToStart,
      waitFor(
        async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined),
        () => `${name} on ${url} to be ready; stderr: ${stderr}`,
        30_000,
      ),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/** Starts Prometheus with `config` (YAML) and waits until it is ready. */
export function startPrometheus(config: string): Promise<RunningProcess> {
  return run(
    'prometheus',
    'prometheus',
    (dir, port) => [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    () => ({ 'prometheus.yml': config }),
  );
}

/**
 * Starts Alertmanager, clustering off, and waits until it is ready. `files(dir)` are written
 * to its directory first; `alertmanager.yml` among them is its configuration.
 */
export function startAlertmanager(files: (dir: string) => Record<string, string>): Promise<RunningProcess> {
  return run(
    'alertmanager',
    'prometheus-alertmanager',
    (dir, port) => [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    files,
  );
}
