/**
 * `npm run backup`: dumps the orders database (DATABASE_URL) with pg_dump and stores the dump:
 * as `backups/<database>-<UTC timestamp>.dump` (keeping the FAULTLINE_BACKUP_KEEP newest), or,
 * with FAULTLINE_BACKUP_BUCKET set, as a new version of `<prefix><database>.dump` in that
 * versioned S3 bucket. `npm run backup -- --every <seconds>` keeps running, backing up at that
 * interval and serving backup metrics. See docs/backups.md and docs/disaster-recovery.md.
 */
import { parseBackupConfig, redactUrl } from './backup/config.ts';
import { parseScheduleArgs, runSchedule } from './backup/schedule.ts';
import { takeBackup } from './backup/takeBackup.ts';

const config = parseBackupConfig();
const schedule = parseScheduleArgs(process.argv.slice(2));
if (schedule) {
  await runSchedule(config, schedule);
} else {
  const result = await takeBackup(config);
  const version = result.versionId ? ` (version ${result.versionId})` : '';
  console.log(`backup: ${redactUrl(config.databaseUrl)} → ${result.location}${version}`);
  for (const old of result.pruned) console.log(`backup: pruned ${old} (keeping the ${config.keep} newest)`);
}
