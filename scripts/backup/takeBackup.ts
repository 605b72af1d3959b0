/**
 * One backup run, to whichever store the configuration names: `npm run backup` runs it once,
 * the scheduler (`schedule.ts`) at an interval.
 */
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupBucket } from './backupBucket.ts';
import { backupFileName, backupsToPrune, listBackups } from './backupFiles.ts';
import type { BackupConfig } from './config.ts';
import { pgDump } from './pgTools.ts';

/** What one run produced. */
export interface BackupResult {
  /** The dump's file, or its `s3://bucket/key` object. */
  readonly location: string;
  readonly takenAt: Date;
  /** The object version it became (S3 store). */
  readonly versionId?: string;
  /** Files or version ids deleted by retention. */
  readonly pruned: readonly string[];
}

async function toDirectory(config: BackupConfig, directory: string, takenAt: Date): Promise<BackupResult> {
  await mkdir(directory, { recursive: true });
  const target = join(directory, backupFileName(config.database, takenAt));
  // Written under a temporary name first, so a failed dump never becomes the "latest" backup.
  const partial = `${target}.partial`;
  try {
    await pgDump(config.databaseUrl, partial);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const pruned = backupsToPrune(await listBackups(directory, config.database), config.keep);
  for (const old of pruned) await rm(old);
  return { location: target, takenAt, pruned };
}

async function toBucket(config: BackupConfig, bucket: BackupBucket, bucketName: string, takenAt: Date) {
  const scratch = await mkdtemp(join(tmpdir(), 'faultline-backup-'));
  try {
    const file = join(scratch, backupFileName(config.database, takenAt));
    // Dumped completely before the upload starts: a failed dump uploads nothing.
    await pgDump(config.databaseUrl, file);
    await bucket.ensureVersioned();
    const versionId = await bucket.upload(config.database, file, takenAt);
    const pruned = await bucket.pruneVersions(config.database, config.keep);
    return { location: `s3://${bucketName}/${bucket.keyOf(config.database)}`, takenAt, versionId, pruned };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Dumps the database and stores the dump; throws PgToolError or the store's error. */
export function takeBackup(config: BackupConfig, takenAt = new Date()): Promise<BackupResult> {
  const { store } = config;
  return store.kind === 'directory'
    ? toDirectory(config, store.directory, takenAt)
    : toBucket(config, new BackupBucket(store), store.bucket, takenAt);
}
