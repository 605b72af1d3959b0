/**
 * Prometheus and Alertmanager at the versions docker-compose.yml ships (built from their Go
 * modules), started with the caller's configuration on loopback ports. Every rule test, alert
 * test and dashboard query runs on these, not on whatever the distribution packages.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { programPath } from './binaries.ts';
import { freePort } from './ports.ts';
import { answers, startBackend, type BackendProcess } from './process.ts';

/** A running Prometheus or Alertmanager in its own scratch directory, its external URL `url`. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Its scratch directory (config files, data, log). */
  readonly dir: string;
  readonly process: BackendProcess;
  /** Stops it and, unless `keepDir` was set, removes its directory. */
  stop(): Promise<void>;
}

/** What to write and how to run one server. */
export interface ServerOptions {
  /**
   * Files written into the scratch directory first, relative path → content (folders are
   * created). A function receives the directory, for configs that name files inside it.
   */
  files: Record<string, string> | ((dir: string) => Record<string, string>);
  /** More command-line flags. */
  args?: string[];
  /** Use this directory (kept after stop) instead of a new temporary one. */
  dir?: string;
  /** Port to listen on (default: a free one). */
  port?: number;
}

async function startServer(
  name: 'prometheus' | 'alertmanager',
  options: ServerOptions,
  flags: (dir: string, port: number) => string[],
): Promise<RunningServer> {
  const keepDir = options.dir !== undefined;
  const dir = options.dir ?? (await mkdtemp(path.join(os.tmpdir(), `faultline-${name}-`)));
  await mkdir(dir, { recursive: true });
  const files = typeof options.files === 'function' ? options.files(dir) : options.files;
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const cleanUp = () => (keepDir ? Promise.resolve() : rm(dir, { recursive: true, force: true }));
  let backend: BackendProcess;
  try {
    backend = await startBackend({
      name,
      command: programPath(name, name),
      args: [
        ...flags(dir, port),
        `--web.listen-address=127.0.0.1:${port}`,
        // Links in alerts and notifications (generatorURL, client_url) point at this server.
        `--web.external-url=${url}`,
        ...(options.args ?? []),
      ],
      logFile: path.join(dir, `${name}.log`),
      ready: () => answers(`${url}/-/ready`),
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    url,
    port,
    dir,
    process: backend,
    stop: async () => {
      await backend.stop();
      await cleanUp();
    },
  };
}

/** Starts Prometheus with `files['prometheus.yml']` as its configuration. */
export function startPrometheus(options: ServerOptions): Promise<RunningServer> {
  return startServer('prometheus', options, (dir) => [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'data')}`,
    '--log.level=warn',
  ]);
}

/** Starts Alertmanager (clustering off) with `files['alertmanager.yml']` as its configuration. */
export function startAlertmanager(options: ServerOptions): Promise<RunningServer> {
  return startServer('alertmanager', options, (dir) => [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`,
    `--storage.path=${path.join(dir, 'data')}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
}
