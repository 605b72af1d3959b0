/**
 * A real Alertmanager (Debian's `prometheus-alertmanager`) for tests: its own free port, a
 * temporary storage folder, clustering off. Alerts are posted through its API v2, as Prometheus
 * does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from './poll.ts';

/** An alert as Alertmanager's API v2 takes and returns it. */
export interface ApiAlert {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly status?: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

/** A running Alertmanager. */
export interface AlertmanagerProcess {
  readonly url: string;
  /** A temporary folder the test may write files into (the routing key file). */
  readonly dir: string;
  post(alerts: readonly ApiAlert[]): Promise<void>;
  alerts(): Promise<ApiAlert[]>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The temporary folder for one Alertmanager; write its config with `startAlertmanager`. */
export async function makeAlertmanagerDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'faultline-alerts-am-'));
}

/** Starts Alertmanager on `config` (YAML) in `dir`; resolves once it answers ready. */
export async function startAlertmanager(dir: string, config: string): Promise<AlertmanagerProcess> {
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn('prometheus-alertmanager', [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=${url}`,
    '--cluster.listen-address=',
  ]);
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await pollUntil('Alertmanager to be ready', async () => {
      if (child.exitCode !== null) throw new Error(`Alertmanager exited with ${child.exitCode}:\n${log}`);
      const res = await fetch(`${url}/-/ready`);
      return res.ok ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw new Error(`Alertmanager did not start:\n${log}`, { cause: error });
  }

  return {
    url,
    dir,
    stop,
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) throw new Error(`POST /api/v2/alerts answered ${res.status}: ${await res.text()}`);
    },
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`);
      if (!res.ok) throw new Error(`GET /api/v2/alerts answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as ApiAlert[];
    },
  };
}
