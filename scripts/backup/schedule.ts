/**
 * `npm run backup -- --every <seconds> [--metrics-port <port>]`: backs up at an interval and
 * serves the backup metrics on 127.0.0.1. The newest stored backup's time is read from the store
 * at start, so a restarted scheduler reports the true age, not zero.
 */
import { createServer, type Server } from 'node:http';
import { stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { BackupBucket } from './backupBucket.ts';
import { listBackups } from './backupFiles.ts';
import { BackupMetrics } from './backupMetrics.ts';
import { redactUrl, type BackupConfig } from './config.ts';
import { takeBackup } from './takeBackup.ts';

/** How often to back up and where to serve metrics. */
export interface Schedule {
  readonly everyMs: number;
  /** 0 picks a free port. */
  readonly metricsPort: number;
}

/** Parses `--every` and `--metrics-port`; undefined without `--every` (one backup, then exit). */
export function parseScheduleArgs(args: readonly string[]): Schedule | undefined {
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at === -1 ? undefined : args[at + 1];
  };
  const every = value('--every');
  if (every === undefined) return undefined;
  const seconds = Number(every);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new Error(`--every must be a number of seconds above 0, such as 3600; got "${every}"`);
  }
  const port = Number(value('--metrics-port') ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `--metrics-port must be a TCP port (0 for any free one); got "${value('--metrics-port')}"`,
    );
  }
  return { everyMs: seconds * 1000, metricsPort: port };
}

/** When the newest stored backup of the configured database was written (ms), or 0. */
export async function newestBackupTime(config: BackupConfig): Promise<number> {
  const { store } = config;
  if (store.kind === 's3') {
    const [newest] = await new BackupBucket(store).versions(config.database).catch(() => []);
    return newest?.lastModified.getTime() ?? 0;
  }
  const newest = (await listBackups(store.directory, config.database)).at(-1);
  return newest ? (await stat(newest)).mtimeMs : 0;
}

/** Serves `metrics` at /metrics on 127.0.0.1:`port`; resolves once listening. */
export async function serveMetrics(metrics: BackupMetrics, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') return void response.writeHead(404).end();
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: Error) => response.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/** One run: backs up, records the outcome; never throws (the schedule goes on). */
export async function runOnce(config: BackupConfig, metrics: BackupMetrics): Promise<void> {
  try {
    const result = await takeBackup(config);
    metrics.stored(config.database, result.takenAt.getTime());
    metrics.ran(config.database, 'success');
    console.log(`backup: ${redactUrl(config.databaseUrl)} → ${result.location} ${result.versionId ?? ''}`);
  } catch (error) {
    metrics.ran(config.database, 'failure');
    console.error(`backup: failed, next try in the next interval: ${(error as Error).message}`);
  }
}

/** Backs up every `schedule.everyMs` until the process is stopped. */
export async function runSchedule(config: BackupConfig, schedule: Schedule): Promise<never> {
  const metrics = new BackupMetrics();
  metrics.stored(config.database, await newestBackupTime(config));
  const server = await serveMetrics(metrics, schedule.metricsPort);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : schedule.metricsPort;
  console.log(`backup: every ${schedule.everyMs / 1000} s; metrics on http://127.0.0.1:${port}/metrics`);
  for (;;) {
    const started = Date.now();
    await runOnce(config, metrics);
    await delay(Math.max(0, schedule.everyMs - (Date.now() - started)));
  }
}
