/** What `npm run backup` and `npm run restore` work on, parsed from the environment. */
export interface BackupConfig {
  /** Connection URL of the orders database (may carry a password; never logged). */
  readonly databaseUrl: string;
  /** The database name, taken from the URL's path. */
  readonly database: string;
  /** Folder the timestamped dumps are written to. */
  readonly directory: string;
  /** How many of the newest dumps of the database `backup` keeps. */
  readonly keep: number;
}

/** The default orders database of the demo stack (docker-compose.yml publishes it on 5432). */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/faultline';

/** Parses the environment; throws one message naming the variable at fault and what it accepts. */
export function parseBackupConfig(env: NodeJS.ProcessEnv = process.env): BackupConfig {
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  let database: string;
  try {
    const url = new URL(databaseUrl);
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('not postgres');
    database = decodeURIComponent(url.pathname.slice(1));
    if (database === '' || database.includes('/')) throw new Error('no database');
  } catch {
    throw new Error(
      'DATABASE_URL must be a postgres:// URL naming a database, such as postgres://postgres@127.0.0.1:5432/faultline',
    );
  }
  const keep = Number(env.FAULTLINE_BACKUP_KEEP ?? '7');
  if (!Number.isInteger(keep) || keep < 1) {
    throw new Error(
      `FAULTLINE_BACKUP_KEEP must be a whole number of backups, at least 1; got "${env.FAULTLINE_BACKUP_KEEP}"`,
    );
  }
  return { databaseUrl, database, directory: env.FAULTLINE_BACKUP_DIR || 'backups', keep };
}

/** The URL with its password replaced, for messages. */
export function redactUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}
