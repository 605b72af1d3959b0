/**
 * The real Prometheus and Alertmanager (Debian binaries) for the console's tests: each on a
 * free port with its own temporary directory, ready when returned, removed by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './waitFor.ts';

/** A running server process. */
export interface RunningProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (also a port nothing listens on, for a target that is down). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function bindable(port: number): Promise<boolean> {
  const server = net.createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (bound) await new Promise<void>((resolve) => server.close(() => resolve()));
  return bound;
}

/**
 * The first of `count` consecutive free ports (the demo gives each process the next metrics
 * port after a base). Tries random bases until one whole range is free.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let free = true;
    for (let port = base; free && port < base + count; port += 1) free = await bindable(port);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found between 20000 and 50000`);
}

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
