/**
 * A real Alertmanager (the pinned version, from backends/) for tests: its own free port, its
 * own folder, clustering off. Alerts are posted through its API v2, as Prometheus does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertmanager as startPinnedAlertmanager } from '../../../backends/index.ts';

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
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

/** The temporary folder for one Alertmanager; write its config with `startAlertmanager`. */
export async function makeAlertmanagerDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'faultline-alerts-am-'));
}

/** Starts Alertmanager on `config` (YAML) in `dir`; resolves once it answers ready. */
export async function startAlertmanager(dir: string, config: string): Promise<AlertmanagerProcess> {
  const removeDir = () => rm(dir, { recursive: true, force: true });
  const server = await startPinnedAlertmanager({ dir, files: { 'alertmanager.yml': config } }).catch(
    async (error: unknown) => {
      await removeDir();
      throw error;
    },
  );
  const { url } = server;
  return {
    url,
    dir,
    async stop() {
      await server.stop();
      await removeDir();
    },
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
