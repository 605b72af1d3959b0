/**
 * Restoring a stored backup into the database of the configuration: a named file, the newest
 * dump in the folder, or a version (default the newest) of the database's object in the bucket.
 * The database is created when missing, so a fresh cluster can be restored into.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { BackupBucket } from './backupBucket.ts';
import { listBackups } from './backupFiles.ts';
import type { BackupConfig } from './config.ts';
import { pgRestore } from './pgTools.ts';

/** Which backup to restore. */
export type RestoreChoice =
  | { readonly kind: 'newest' }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'version'; readonly versionId: string };

/** No backup matched the choice; says how to make one. */
export class NoBackupError extends Error {
  constructor(where: string, database: string) {
    super(`restore: no backup of "${database}" in ${where}; run npm run backup first`);
    this.name = 'NoBackupError';
  }
}

async function ensureDatabase(databaseUrl: string, database: string): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

async function fromBucket(config: BackupConfig, choice: RestoreChoice): Promise<string> {
  if (config.store.kind !== 's3') throw new Error('not an S3 store');
  const bucket = new BackupBucket(config.store);
  const versions = await bucket.versions(config.database);
  const version =
    choice.kind === 'version' ? versions.find((v) => v.versionId === choice.versionId) : versions[0];
  if (!version) {
    const what = choice.kind === 'version' ? `version ${choice.versionId} of ` : '';
    throw new NoBackupError(
      `${what}s3://${config.store.bucket}/${bucket.keyOf(config.database)}`,
      config.database,
    );
  }
  const scratch = await mkdtemp(join(tmpdir(), 'faultline-restore-'));
  try {
    const file = join(scratch, 'backup.dump');
    await bucket.download(config.database, file, version.versionId);
    await ensureDatabase(config.databaseUrl, config.database);
    await pgRestore(config.databaseUrl, file);
    return `s3://${config.store.bucket}/${bucket.keyOf(config.database)} version ${version.versionId}`;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Restores the chosen backup; resolves to a description of what was restored. */
export async function restoreBackup(config: BackupConfig, choice: RestoreChoice): Promise<string> {
  if (choice.kind === 'file') {
    await ensureDatabase(config.databaseUrl, config.database);
    await pgRestore(config.databaseUrl, choice.file);
    return choice.file;
  }
  if (config.store.kind === 's3') return fromBucket(config, choice);
  if (choice.kind === 'version') throw new Error('--version-id needs FAULTLINE_BACKUP_BUCKET (an S3 store)');
  const file = (await listBackups(config.store.directory, config.database)).at(-1);
  if (!file) throw new NoBackupError(config.store.directory, config.database);
  await ensureDatabase(config.databaseUrl, config.database);
  await pgRestore(config.databaseUrl, file);
  return file;
}
