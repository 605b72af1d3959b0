/**
 * Where backups go: timestamped files in a local folder, or one object per database in a
 * versioned S3 bucket, whose versions are the history.
 */
export type BackupStore =
  | { readonly kind: 'directory'; readonly directory: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      /** Key prefix inside the bucket (ends with `/`, or empty). */
      readonly prefix: string;
      /** An S3-compatible endpoint; undefined for AWS itself. */
      readonly endpoint?: string;
      readonly region: string;
    };

/** What `npm run backup` and `npm run restore` work on, parsed from the environment. */
export interface BackupConfig {
  /** Connection URL of the orders database (may carry a password; never logged). */
  readonly databaseUrl: string;
  /** The database name, taken from the URL's path. */
  readonly database: string;
  /** Folder the timestamped dumps are written to (the `directory` store's; kept for callers). */
  readonly directory: string;
  /** Where dumps are kept. */
  readonly store: BackupStore;
  /** How many of the newest dumps (files, or object versions) of the database `backup` keeps. */
  readonly keep: number;
}

function parseStore(env: NodeJS.ProcessEnv, directory: string): BackupStore {
  const bucket = env.FAULTLINE_BACKUP_BUCKET;
  if (!bucket) return { kind: 'directory', directory };
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(
      `FAULTLINE_BACKUP_BUCKET must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens); got "${bucket}"`,
    );
  }
  const endpoint = env.FAULTLINE_BACKUP_S3_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\/[^/]+\/?$/.test(endpoint)) {
    throw new Error(
      `FAULTLINE_BACKUP_S3_ENDPOINT must be an http(s) URL with no path, such as http://127.0.0.1:9000; got "${endpoint}"`,
    );
  }
  const rawPrefix = env.FAULTLINE_BACKUP_PREFIX ?? 'faultline-backups/';
  const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`;
  return { kind: 's3', bucket, prefix, endpoint, region: env.FAULTLINE_BACKUP_S3_REGION || 'us-east-1' };
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
  const directory = env.FAULTLINE_BACKUP_DIR || 'backups';
  return { databaseUrl, database, directory, store: parseStore(env, directory), keep };
}

/** The URL with its password replaced, for messages. */
export function redactUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}
