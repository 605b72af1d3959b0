/**
 * A real Prometheus (the Debian `prometheus` binary) for tests: its own free port, its own
 * temporary TSDB, scraping the targets given, stopped and cleaned up by `stop()`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

/** A scrape job: its name and `host:port` targets. */
export interface ScrapeJob {
  readonly job: string;
  readonly targets: readonly string[];
}

/** A running Prometheus. */
export interface RunningPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

/** Polls `check` until it returns a value other than `undefined`, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 200,
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
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts Prometheus scraping `jobs` every `scrapeInterval`, and waits until it is ready. */
export async function startPrometheus(
  jobs: readonly ScrapeJob[],
  scrapeInterval = '1s',
): Promise<RunningPrometheus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'faultline-dashboards-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  await writeFile(
    configFile,
    stringify({
      global: { scrape_interval: scrapeInterval, evaluation_interval: scrapeInterval },
      scrape_configs: jobs.map((job) => ({
        job_name: job.job,
        static_configs: [{ targets: [...job.targets] }],
      })),
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exitedEarly = exited.then(() => {
    throw new Error(`Prometheus exited with ${child.exitCode ?? child.signalCode}: ${stderr}`);
  });
  exitedEarly.catch(() => undefined); // only awaited while starting

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      exitedEarly,
      waitFor('Prometheus to be ready', async () => ((await fetch(`${url}/-/ready`)).ok ? true : undefined)),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
