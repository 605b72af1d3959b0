import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The extension of a `pg_dump --format=custom` archive. */
const EXTENSION = '.dump';

/**
 * The file name of a dump of `database` taken at `at`: `<database>-<UTC ISO timestamp>.dump`,
 * with `:` replaced so the name is portable. Names sort in time order, which is what makes the
 * folder a versioned history.
 */
export function backupFileName(database: string, at: Date): string {
  return `${database}-${at.toISOString().replaceAll(':', '-')}${EXTENSION}`;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/;

/** Whether `file` is a dump of `database` named by `backupFileName`. */
export function isBackupOf(database: string, file: string): boolean {
  const prefix = `${database}-`;
  if (!file.startsWith(prefix) || !file.endsWith(EXTENSION)) return false;
  return TIMESTAMP.test(file.slice(prefix.length, -EXTENSION.length));
}

/** The dumps of `database` in `directory`, oldest first; none when the folder does not exist. */
export async function listBackups(directory: string, database: string): Promise<string[]> {
  let files: string[];
  try {
    files = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return files
    .filter((file) => isBackupOf(database, file))
    .sort()
    .map((file) => join(directory, file));
}

/** Of `backups` (oldest first), the ones to delete so that only the `keep` newest remain. */
export function backupsToPrune(backups: readonly string[], keep: number): string[] {
  return backups.slice(0, Math.max(0, backups.length - keep));
}
