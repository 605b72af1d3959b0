import { spawn } from 'node:child_process';
import { redactUrl } from './config.ts';

/** pg_dump or pg_restore failed; carries the tool's own message. */
export class PgToolError extends Error {
  readonly exitCode: number | null;

  constructor(tool: string, databaseUrl: string, exitCode: number | null, stderr: string) {
    super(`${tool} failed for ${redactUrl(databaseUrl)} (exit ${exitCode}): ${stderr.trim() || 'no output'}`);
    this.name = 'PgToolError';
    this.exitCode = exitCode;
  }
}

function run(tool: string, args: string[], databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) =>
      reject(
        new Error(`${tool} could not be started (${error.message}); install the PostgreSQL client tools`),
      ),
    );
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new PgToolError(tool, databaseUrl, code, stderr)),
    );
  });
}

/** Dumps the database at `databaseUrl` into `file` in pg_dump's custom (compressed, restorable) format. */
export function pgDump(databaseUrl: string, file: string): Promise<void> {
  return run('pg_dump', ['--format=custom', `--file=${file}`, `--dbname=${databaseUrl}`], databaseUrl);
}

/**
 * Restores `file` into the database at `databaseUrl`: drops the objects the dump contains
 * (`--clean --if-exists`) and recreates them in one transaction, so a failed restore leaves the
 * database as it was.
 */
export function pgRestore(databaseUrl: string, file: string): Promise<void> {
  return run(
    'pg_restore',
    [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--single-transaction',
      '--exit-on-error',
      `--dbname=${databaseUrl}`,
      file,
    ],
    databaseUrl,
  );
}
