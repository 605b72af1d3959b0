import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { backupFileName, backupsToPrune, isBackupOf } from './backupFiles.ts';
import { parseBackupConfig } from './config.ts';

const run = promisify(execFile);
const repoRoot = join(__dirname, '..', '..');
/** As package.json's scripts run it: the catalogue's TypeScript sources load as ES modules. */
const CATALOGUE_HOOKS = ['--import', join(repoRoot, 'dashboards', 'scripts', 'catalogue-hooks.ts')];
const server = 'postgres://postgres@127.0.0.1:5432';
const database = `faultline_backup_test_${process.pid}_${Date.now()}`;
const databaseUrl = `${server}/${database}`;
let directory: string;

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Runs `npm run backup` / `npm run restore`'s script the way npm does, against the throwaway database. */
function cli(script: 'backup' | 'restore', args: string[] = []) {
  return run(process.execPath, [...CATALOGUE_HOOKS, join(repoRoot, 'scripts', `${script}.ts`), ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      FAULTLINE_BACKUP_DIR: directory,
      FAULTLINE_BACKUP_KEEP: '2',
    },
  });
}

function orders(): Promise<{ id: number; status: string }[]> {
  return withClient(
    databaseUrl,
    async (c) => (await c.query('SELECT id, status FROM orders ORDER BY id')).rows,
  );
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'faultline-backups-'));
  await withClient(`${server}/postgres`, (c) => c.query(`CREATE DATABASE ${database}`));
  await withClient(databaseUrl, async (c) => {
    await c.query('CREATE TABLE orders (id integer PRIMARY KEY, status text NOT NULL)');
    await c.query("INSERT INTO orders VALUES (1, 'paid'), (2, 'pending'), (3, 'failed')");
  });
});

afterAll(async () => {
  await withClient(`${server}/postgres`, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  await rm(directory, { recursive: true, force: true });
});

describe('npm run backup / npm run restore against the real PostgreSQL', () => {
  const original = [
    { id: 1, status: 'paid' },
    { id: 2, status: 'pending' },
    { id: 3, status: 'failed' },
  ];

  it('backs up into a timestamped dump and restores lost and altered rows from the newest one', async () => {
    const { stdout } = await cli('backup');
    const files = await readdir(directory);
    expect(files).toHaveLength(1);
    expect(isBackupOf(database, files[0]!)).toBe(true);
    expect(stdout).toContain(files[0]);

    await withClient(databaseUrl, async (c) => {
      await c.query('DELETE FROM orders WHERE id = 1');
      await c.query("UPDATE orders SET status = 'refunded' WHERE id = 2");
      await c.query("INSERT INTO orders VALUES (4, 'created after the backup')");
    });

    await cli('restore');
    expect(await orders()).toEqual(original);
  });

  it('restores a named dump when given one, not the newest', async () => {
    const [first] = (await readdir(directory)).sort();
    await withClient(databaseUrl, (c) => c.query("INSERT INTO orders VALUES (5, 'newer')"));
    await cli('backup');
    await withClient(databaseUrl, (c) => c.query('TRUNCATE orders'));

    await cli('restore', [join(directory, first!)]);
    expect(await orders()).toEqual(original);
  });

  it('keeps only the FAULTLINE_BACKUP_KEEP newest dumps of the database', async () => {
    const unrelated = join(directory, 'notes.txt');
    await writeFile(unrelated, 'not a backup');
    await cli('backup');
    await cli('backup');
    const dumps = (await readdir(directory)).filter((f) => isBackupOf(database, f));
    expect(dumps).toHaveLength(2);
    expect(await readdir(directory)).toContain('notes.txt');
  });

  it('fails with pg_restore’s message and leaves the database as it was when the dump is not a dump', async () => {
    const bogus = join(directory, 'bogus.dump');
    await writeFile(bogus, 'this is not a pg_dump archive');
    const before = await orders();
    await expect(cli('restore', [bogus])).rejects.toMatchObject({
      stderr: expect.stringContaining('pg_restore failed'),
    });
    expect(await orders()).toEqual(before);
  });
});

describe('backup file names and retention', () => {
  it('names a dump after its database and UTC time, so names sort oldest first', () => {
    const older = backupFileName('faultline', new Date('2026-01-02T03:04:05.006Z'));
    const newer = backupFileName('faultline', new Date('2026-01-02T03:04:06.000Z'));
    expect(older).toBe('faultline-2026-01-02T03-04-05.006Z.dump');
    expect([newer, older].sort()).toEqual([older, newer]);
    expect(isBackupOf('faultline', older)).toBe(true);
    expect(isBackupOf('faultline_other', older)).toBe(false);
  });

  it('prunes all but the newest `keep`', () => {
    expect(backupsToPrune(['a', 'b', 'c', 'd'], 2)).toEqual(['a', 'b']);
    expect(backupsToPrune(['a'], 3)).toEqual([]);
  });

  it('rejects a DATABASE_URL without a database and names the variable', () => {
    expect(() => parseBackupConfig({ DATABASE_URL: 'postgres://127.0.0.1:5432' })).toThrow(/DATABASE_URL/);
    expect(() => parseBackupConfig({ FAULTLINE_BACKUP_KEEP: '0' })).toThrow(/FAULTLINE_BACKUP_KEEP/);
    expect(parseBackupConfig({}).database).toBe('faultline');
  });
});
