/**
 * What the flag costs an app in loaded code: an express-only app started with and without it.
 * No instrumentation of a library the app never loads is loaded (no contrib package, no
 * framework or logger Faultline knows), and what Faultline adds stays within a budget, so a
 * change that starts loading something eagerly shows here.
 */
import { join } from 'node:path';
import { ROOT, runApp, type RunningApp } from './support/runApp.ts';

const script = join(ROOT, 'instrumentation', 'test', 'fixtures', 'express-modules.cjs');
/** Modules the flag added when this test was written (250), with room for small changes. */
const ADDED_MODULES_BUDGET = 280;
/** Packages an express-only app must not get loaded by Faultline. */
const NEVER_LOADED = [
  '@opentelemetry/instrumentation-pg',
  '@opentelemetry/instrumentation-ioredis',
  '@opentelemetry/instrumentation-mysql2',
  '@opentelemetry/instrumentation-redis',
  '@opentelemetry/instrumentation-graphql',
  '@opentelemetry/instrumentation-grpc',
  '@opentelemetry/instrumentation-aws-sdk',
  '@opentelemetry/instrumentation-mongodb',
  'mongodb',
  'redis',
  'graphql',
  '@grpc/grpc-js',
  '@aws-sdk/client-s3',
  'pg',
  'ioredis',
  'mysql2',
  'amqplib',
  'nats',
  'mqtt',
  'fastify',
  'koa',
  '@hapi/hapi',
  'pino',
  'bunyan',
  'winston',
];

function packagesOf(paths: readonly string[]): Set<string> {
  return new Set(paths.map((path) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? ''));
}

async function loadedModules(app: RunningApp): Promise<string[]> {
  expect((await fetch(`${app.url}/users/1`)).status).toBe(200);
  return (await (await fetch(`${app.url}/modules`)).json()) as string[];
}

describe('an express-only app', () => {
  let withFlag: string[];
  let without: string[];

  beforeAll(async () => {
    const instrumented = await runApp({ script, flag: '--require' });
    withFlag = await loadedModules(instrumented);
    await instrumented.stop();
    // The same app with an empty preload: `--require` of a module that does nothing.
    const plain = await runApp({
      script,
      flag: '--require',
      register: join(ROOT, 'instrumentation', 'test', 'fixtures', 'nothing.cjs'),
    });
    without = await loadedModules(plain);
    await plain.stop();
  });

  it('loads no instrumentation, framework or logger it does not use', () => {
    const loaded = packagesOf(withFlag);
    expect(NEVER_LOADED.filter((name) => loaded.has(name))).toEqual([]);
  });

  it(`adds at most ${ADDED_MODULES_BUDGET} modules`, () => {
    expect(withFlag.length - without.length).toBeLessThanOrEqual(ADDED_MODULES_BUDGET);
  });
});
