/**
 * The package as users get it: packed with `npm pack`, installed from the tarball into an app
 * that has never heard of this repository, and started with the one flag.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, runApp, sampleValue } from './support/runApp.ts';

const run = promisify(execFile);

describe('the packed @faultline/instrumentation', () => {
  let appDir: string;

  beforeAll(async () => {
    appDir = mkdtempSync(join(tmpdir(), 'faultline-foreign-app-'));
    await run('npm', ['pack', '-w', 'instrumentation', '--pack-destination', appDir], { cwd: ROOT });
    const tarball = readdirSync(appDir).find((name) => name.endsWith('.tgz'))!;
    writeFileSync(
      join(appDir, 'package.json'),
      JSON.stringify({ name: 'foreign-app', private: true, version: '1.0.0' }),
    );
    await run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`, 'express@5', 'winston@3'],
      { cwd: appDir, maxBuffer: 16 * 1024 * 1024 },
    );
    for (const name of ['express-app.cjs', 'express-app.mjs']) {
      copyFileSync(join(ROOT, 'instrumentation', 'test', 'fixtures', name), join(appDir, name));
    }
  }, 240_000);

  afterAll(() => rmSync(appDir, { recursive: true, force: true }));

  it.each([
    ['--require', 'express-app.cjs'],
    ['--import', 'express-app.mjs'],
  ] as const)(
    'instruments a foreign app started with %s @faultline/instrumentation/register',
    async (flag, script) => {
      const app = await runApp({
        script: join(appDir, script),
        flag,
        cwd: appDir,
        register: '@faultline/instrumentation/register',
        env: { OTEL_TRACES_EXPORTER: 'none' },
      });
      try {
        expect((await fetch(`${app.url}/profiles/7`)).status).toBe(200);
        const text = await app.metrics();
        expect(
          sampleValue(text, 'http_server_request_duration_seconds_count', {
            service: 'example-app',
            http_route: '/profiles/:id',
          }),
        ).toBe(1);
      } finally {
        await app.stop();
      }
    },
  );
});
