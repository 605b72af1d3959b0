/**
 * `npm run backup`: dumps the orders database (DATABASE_URL) with pg_dump into
 * `backups/<database>-<UTC timestamp>.dump` and keeps the FAULTLINE_BACKUP_KEEP newest.
 * See docs/backups.md.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { backupFileName, backupsToPrune, listBackups } from './backup/backupFiles.ts';
import { parseBackupConfig, redactUrl } from './backup/config.ts';
import { pgDump } from './backup/pgTools.ts';

const config = parseBackupConfig();
await mkdir(config.directory, { recursive: true });
const target = join(config.directory, backupFileName(config.database, new Date()));
// Written under a temporary name first, so a failed dump never becomes the "latest" backup.
const partial = `${target}.partial`;
try {
  await pgDump(config.databaseUrl, partial);
  await rename(partial, target);
} catch (error) {
  await rm(partial, { force: true });
  throw error;
}
console.log(`backup: ${redactUrl(config.databaseUrl)} → ${target}`);

for (const old of backupsToPrune(await listBackups(config.directory, config.database), config.keep)) {
  await rm(old);
  console.log(`backup: pruned ${old} (keeping the ${config.keep} newest)`);
}
