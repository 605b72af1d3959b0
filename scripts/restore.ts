/**
 * `npm run restore [-- <file>]`: restores a dump into the orders database (DATABASE_URL),
 * replacing the objects it contains. Without a file, the newest backup of that database in
 * FAULTLINE_BACKUP_DIR is used. See docs/backups.md.
 */
import { listBackups } from './backup/backupFiles.ts';
import { parseBackupConfig, redactUrl } from './backup/config.ts';
import { pgRestore } from './backup/pgTools.ts';

const config = parseBackupConfig();
const file = process.argv[2] ?? (await listBackups(config.directory, config.database)).at(-1);
if (!file) {
  throw new Error(
    `restore: no backup of "${config.database}" in ${config.directory}; run npm run backup first`,
  );
}
await pgRestore(config.databaseUrl, file);
console.log(`restore: ${file} → ${redactUrl(config.databaseUrl)}`);
