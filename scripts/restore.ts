/**
 * `npm run restore [-- <file> | --version-id <id> | --list]`: restores a backup into the orders
 * database (DATABASE_URL, created when missing), replacing the objects it contains. Without
 * arguments the newest backup is used: the newest dump in FAULTLINE_BACKUP_DIR, or with
 * FAULTLINE_BACKUP_BUCKET the newest version of the database's object. `--version-id` restores an
 * earlier version; `--list` prints the stored versions. See docs/backups.md.
 */
import { BackupBucket } from './backup/backupBucket.ts';
import { parseBackupConfig, redactUrl } from './backup/config.ts';
import { restoreBackup, type RestoreChoice } from './backup/restoreBackup.ts';

const config = parseBackupConfig();
const args = process.argv.slice(2);

if (args[0] === '--list') {
  if (config.store.kind !== 's3') throw new Error('--list needs FAULTLINE_BACKUP_BUCKET (an S3 store)');
  for (const v of await new BackupBucket(config.store).versions(config.database)) {
    console.log(`${v.versionId}\t${v.lastModified.toISOString()}\t${v.size}${v.isLatest ? '\tlatest' : ''}`);
  }
} else {
  const choice: RestoreChoice =
    args[0] === '--version-id'
      ? { kind: 'version', versionId: args[1] ?? '' }
      : args[0]
        ? { kind: 'file', file: args[0] }
        : { kind: 'newest' };
  const restored = await restoreBackup(config, choice);
  console.log(`restore: ${restored} → ${redactUrl(config.databaseUrl)}`);
}
