/**
 * The restore drill of docs/disaster-recovery.md, on real components: a PostgreSQL cluster of its
 * own holding the orders schema, moto's S3 server with bucket versioning, and `npm run backup` /
 * `npm run restore` run as npm runs them. The source cluster is destroyed (stopped, its data
 * directory deleted) and the orders are restored into a fresh cluster from the object store.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  startObjectStore,
  startPostgres,
  type RunningObjectStore,
  type RunningPostgres,
} from '../../backends/index.ts';
import { runMigrations } from '../../demo-services/shared/migrations.ts';
import { BackupBucket } from './backupBucket.ts';
import { BackupMetrics } from './backupMetrics.ts';
import { parseBackupConfig } from './config.ts';
import { parseScheduleArgs, runOnce, serveMetrics } from './schedule.ts';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..');
/** As package.json's scripts run it: the catalogue's TypeScript sources load as ES modules. */
const CATALOGUE_HOOKS = ['--import', join(repoRoot, 'dashboards', 'scripts', 'catalogue-hooks.ts')];
const BUCKET = 'faultline-drill';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'drill', AWS_SECRET_ACCESS_KEY: 'drill-secret' };

let store: RunningObjectStore;
const clusters: RunningPostgres[] = [];

async function cluster(): Promise<RunningPostgres> {
  const started = await startPostgres();
  clusters.push(started);
  return started;
}

function envFor(target: RunningPostgres, database: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...CREDENTIALS,
    DATABASE_URL: target.url(database),
    FAULTLINE_BACKUP_BUCKET: BUCKET,
    FAULTLINE_BACKUP_S3_ENDPOINT: store.endpoint,
    FAULTLINE_BACKUP_KEEP: '3',
  };
}

/** Runs `npm run backup` / `npm run restore`'s script the way npm does. */
async function cli(script: 'backup' | 'restore', env: NodeJS.ProcessEnv, args: string[] = []) {
  return run(process.execPath, [...CATALOGUE_HOOKS, join(repoRoot, 'scripts', `${script}.ts`), ...args], {
    cwd: repoRoot,
    env,
  });
}

async function withPool<T>(url: string, use: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    return await use(pool);
  } finally {
    await pool.end();
  }
}

async function createOrdersDatabase(target: RunningPostgres, database: string): Promise<void> {
  await withPool(target.url(), (pool) => pool.query(`CREATE DATABASE ${database}`));
  await withPool(target.url(database), (pool) =>
    runMigrations(pool, join(repoRoot, 'demo-services', 'migrations')),
  );
}

async function writeOrders(url: string, count: number, status = 'pending'): Promise<void> {
  await withPool(url, async (pool) => {
    for (let i = 0; i < count; i += 1) {
      await pool.query(
        `INSERT INTO orders (id, customer_id, items, amount_cents, payment_token, status, failure_reason)
         VALUES ($1, $2, '[{"sku":"drill","quantity":1}]', $3, 'tok_drill', $4, $5)`,
        [randomUUID(), `customer-${i}`, 100 + i, status, status === 'failed' ? 'declined' : null],
      );
    }
  });
}

/** Every order, in a stable order, as the comparison of source and restore sees it. */
function ordersOf(url: string): Promise<unknown[]> {
  return withPool(
    url,
    async (pool) =>
      (
        await pool.query(
          'SELECT id, customer_id, items, amount_cents, status, failure_reason, created_at FROM orders ORDER BY id',
        )
      ).rows,
  );
}

beforeAll(async () => {
  // For the in-process BackupBucket and runOnce; the CLIs get them through envFor.
  Object.assign(process.env, CREDENTIALS);
  store = await startObjectStore();
});

afterAll(async () => {
  for (const c of clusters) await c.stop().catch(() => undefined);
  await store?.stop();
});

describe('restore drill: orders back from the versioned object store', () => {
  it('restores every order into a fresh cluster after the database is destroyed', async () => {
    const source = await cluster();
    await createOrdersDatabase(source, 'orders_drill');
    await writeOrders(source.url('orders_drill'), 200);
    const before = await ordersOf(source.url('orders_drill'));

    const backup = await cli('backup', envFor(source, 'orders_drill'));
    expect(backup.stdout).toContain(`s3://${BUCKET}/faultline-backups/orders_drill.dump (version `);
    const backedUpAt = Date.now();
    // Written after the backup: the recovery point is the backup, so these are lost.
    await writeOrders(source.url('orders_drill'), 5);

    // Destroyed: the server is gone and so is its data directory.
    await source.stop();
    const destroyedAt = Date.now();
    const fresh = await cluster();
    const restore = await cli('restore', envFor(fresh, 'orders_drill'));
    const recoveredAt = Date.now();
    expect(restore.stdout).toContain('version');

    expect(await ordersOf(fresh.url('orders_drill'))).toEqual(before);
    console.log(
      `restore drill: 200 orders back, 5 written ${((destroyedAt - backedUpAt) / 1000).toFixed(1)} s after the backup lost (RPO = time since the last backup); ` +
        `RTO ${((recoveredAt - destroyedAt) / 1000).toFixed(2)} s from destruction to a fresh cluster serving the restored orders`,
    );
  });

  it('recovers a backup that a later one overwrote, from its earlier version', async () => {
    const source = await cluster();
    await createOrdersDatabase(source, 'orders_overwrite');
    await writeOrders(source.url('orders_overwrite'), 20, 'paid');
    const good = await ordersOf(source.url('orders_overwrite'));
    await cli('backup', envFor(source, 'orders_overwrite'));

    // A bad day: the orders are wiped and the next scheduled backup overwrites the object.
    await withPool(source.url('orders_overwrite'), (pool) => pool.query('TRUNCATE orders CASCADE'));
    await cli('backup', envFor(source, 'orders_overwrite'));

    const listed = (await cli('restore', envFor(source, 'orders_overwrite'), ['--list'])).stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(listed).toHaveLength(2);
    expect(listed[0]).toContain('latest');
    const earlier = listed[1]![0]!;

    const fresh = await cluster();
    await cli('restore', envFor(fresh, 'orders_overwrite'));
    expect(await ordersOf(fresh.url('orders_overwrite'))).toEqual([]);
    await cli('restore', envFor(fresh, 'orders_overwrite'), ['--version-id', earlier]);
    expect(await ordersOf(fresh.url('orders_overwrite'))).toEqual(good);
  });

  it('keeps only the FAULTLINE_BACKUP_KEEP newest versions, in a bucket with versioning enabled', async () => {
    const source = await cluster();
    await createOrdersDatabase(source, 'orders_keep');
    for (let i = 0; i < 5; i += 1) await cli('backup', envFor(source, 'orders_keep'));
    const config = parseBackupConfig(envFor(source, 'orders_keep'));
    if (config.store.kind !== 's3') throw new Error('expected the S3 store');
    const bucket = new BackupBucket(config.store);
    const versions = await bucket.versions('orders_keep');
    expect(versions).toHaveLength(3);
    expect(versions.filter((v) => v.isLatest)).toHaveLength(1);
    expect(versions[0]!.isLatest).toBe(true);
  });

  it('reports the newest backup’s time and age, and failed runs, on /metrics', async () => {
    const source = await cluster();
    await createOrdersDatabase(source, 'orders_metrics');
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const metrics = new BackupMetrics();
    const server = await serveMetrics(metrics, 0);
    const { port } = server.address() as { port: number };
    try {
      await runOnce(parseBackupConfig(envFor(source, 'orders_metrics')), metrics);
      const unreachable = {
        ...envFor(source, 'orders_metrics'),
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/orders_metrics',
      };
      await runOnce(parseBackupConfig(unreachable), metrics);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(
        /faultline_backup_runs_total\{database="orders_metrics",outcome="success",service="backup-scheduler"\} 1/,
      );
      expect(text).toMatch(
        /faultline_backup_runs_total\{database="orders_metrics",outcome="failure",service="backup-scheduler"\} 1/,
      );
      const age = Number(/faultline_backup_age_seconds\{[^}]*\} (\S+)/.exec(text)?.[1]);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThan(60);
      const last = Number(/faultline_backup_last_success_timestamp_seconds\{[^}]*\} (\S+)/.exec(text)?.[1]);
      expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(60);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      jest.restoreAllMocks();
    }
  });
});

describe('backup configuration and schedule arguments', () => {
  it('chooses the S3 store when FAULTLINE_BACKUP_BUCKET is set, and names a wrong variable', () => {
    expect(parseBackupConfig({}).store).toEqual({ kind: 'directory', directory: 'backups' });
    expect(
      parseBackupConfig({ FAULTLINE_BACKUP_BUCKET: 'orders-backups', FAULTLINE_BACKUP_PREFIX: 'prod' }).store,
    ).toEqual({
      kind: 's3',
      bucket: 'orders-backups',
      prefix: 'prod/',
      endpoint: undefined,
      region: 'us-east-1',
    });
    expect(() => parseBackupConfig({ FAULTLINE_BACKUP_BUCKET: 'Bad_Bucket' })).toThrow(
      /FAULTLINE_BACKUP_BUCKET/,
    );
    expect(() =>
      parseBackupConfig({
        FAULTLINE_BACKUP_BUCKET: 'ok-bucket',
        FAULTLINE_BACKUP_S3_ENDPOINT: 'localhost:9000',
      }),
    ).toThrow(/FAULTLINE_BACKUP_S3_ENDPOINT/);
  });

  it('runs once without --every, on a schedule with it', () => {
    expect(parseScheduleArgs([])).toBeUndefined();
    expect(parseScheduleArgs(['--every', '3600', '--metrics-port', '9187'])).toEqual({
      everyMs: 3_600_000,
      metricsPort: 9187,
    });
    expect(() => parseScheduleArgs(['--every', 'hourly'])).toThrow(/--every/);
  });
});
