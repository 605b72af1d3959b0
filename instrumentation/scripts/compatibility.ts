/**
 * The libraries Faultline's tests run against, and the README's compatibility table generated
 * from them. Each entry names the test that proves it and where the library is installed: the
 * repository root holds the newest supported major, `test-apps/<name>` (a workspace) the
 * oldest. The versions in the table are the ones installed there, that is, the ones the tests
 * load. `test/compatibility.test.ts` fails when the README's table drifts from this, or when a
 * test no longer uses the test app an entry names.
 *
 * Run `npm run compatibility:doc` after changing it (or after updating a library).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** One library as a test runs it. */
export interface TestedLibrary {
  /** The npm package. */
  readonly library: string;
  /** The `test-apps/` workspace it is installed in; absent for the repository root. */
  readonly testApp?: string;
  /** What the test proves with it. */
  readonly proves: string;
  /** The test, under `instrumentation/test/`. */
  readonly test: string;
  /** Module systems the test runs it under. */
  readonly modules: 'CJS and ESM' | 'CJS';
}

const BOTH = 'CJS and ESM' as const;

/** Every tested library, in the table's order. */
export const TESTED_LIBRARIES: readonly TestedLibrary[] = [
  {
    library: 'express',
    testApp: 'express4',
    proves: 'route templates, every kind of mount',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  {
    library: 'express',
    proves: 'route templates, every kind of mount',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  {
    library: 'fastify',
    testApp: 'fastify4',
    proves: 'route templates (plugins, hooks answering)',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  {
    library: 'fastify',
    proves: 'route templates (plugins, hooks answering)',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  {
    library: 'koa',
    testApp: 'koa2',
    proves: 'route templates with @koa/router',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  {
    library: 'koa',
    proves: 'route templates with @koa/router',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  {
    library: '@koa/router',
    testApp: 'koa2',
    proves: 'nested routers under a parameter',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  {
    library: '@koa/router',
    proves: 'nested routers under a parameter',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  {
    library: '@hapi/hapi',
    testApp: 'hapi20',
    proves: 'route templates',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  { library: '@hapi/hapi', proves: 'route templates', test: 'routeTemplates.test.ts', modules: BOTH },
  {
    library: '@nestjs/core',
    proves: 'route templates on the express and fastify adapters',
    test: 'routeTemplates.test.ts',
    modules: BOTH,
  },
  {
    library: 'winston',
    proves: 'log correlation, masking, Elasticsearch shipping',
    test: 'winstonInstrumentation.test.ts',
    modules: BOTH,
  },
  {
    library: 'pino',
    testApp: 'pino8',
    proves: 'log correlation, masking, Elasticsearch shipping',
    test: 'logCorrelation.test.ts',
    modules: BOTH,
  },
  {
    library: 'pino',
    proves: 'log correlation, masking, Elasticsearch shipping',
    test: 'logCorrelation.test.ts',
    modules: BOTH,
  },
  {
    library: 'bunyan',
    testApp: 'bunyan1',
    proves: 'log correlation, masking, Elasticsearch shipping',
    test: 'logCorrelation.test.ts',
    modules: BOTH,
  },
  {
    library: 'bunyan',
    proves: 'log correlation, masking, Elasticsearch shipping',
    test: 'logCorrelation.test.ts',
    modules: BOTH,
  },
  {
    library: 'mysql2',
    testApp: 'db-clients-oldest',
    proves: 'client spans against MariaDB, queued pool queries in their request’s trace',
    test: 'dbClients.test.ts',
    modules: BOTH,
  },
  {
    library: 'mysql2',
    proves: 'client spans against MariaDB, queued pool queries in their request’s trace',
    test: 'dbClients.test.ts',
    modules: BOTH,
  },
  {
    library: 'pg',
    proves: 'client spans against PostgreSQL, queued pool queries in their request’s trace',
    test: 'dbClients.test.ts',
    modules: BOTH,
  },
  {
    library: 'ioredis',
    testApp: 'db-clients-oldest',
    proves: 'client spans against Redis',
    test: 'dbClients.test.ts',
    modules: BOTH,
  },
  { library: 'ioredis', proves: 'client spans against Redis', test: 'dbClients.test.ts', modules: BOTH },
  {
    library: 'redis',
    testApp: 'more-clients-oldest',
    proves: 'client spans against Redis (node-redis)',
    test: 'moreClients.test.ts',
    modules: BOTH,
  },
  {
    library: 'redis',
    proves: 'client spans against Redis (node-redis)',
    test: 'moreClients.test.ts',
    modules: BOTH,
  },
  {
    library: 'graphql',
    testApp: 'more-clients-oldest',
    proves: 'operation, parse and validate spans',
    test: 'moreClients.test.ts',
    modules: BOTH,
  },
  {
    library: 'graphql',
    proves: 'operation, parse and validate spans',
    test: 'moreClients.test.ts',
    modules: BOTH,
  },
  {
    library: '@grpc/grpc-js',
    proves: 'client and server spans, context across the call (ESM: namespace or named imports)',
    test: 'moreClients.test.ts',
    modules: BOTH,
  },
  {
    library: '@aws-sdk/client-s3',
    proves: 'AWS SDK v3 client spans against a local S3 (moto)',
    test: 'moreClients.test.ts',
    modules: BOTH,
  },
  {
    library: 'mongodb',
    testApp: 'more-clients-oldest',
    proves: 'client spans against FerretDB (MongoDB wire protocol)',
    test: 'moreClients.test.ts',
    modules: BOTH,
  },
  {
    library: 'mongodb',
    proves: 'client spans against FerretDB (MongoDB wire protocol)',
    test: 'moreClients.test.ts',
    modules: BOTH,
  },
  {
    library: 'amqplib',
    testApp: 'amqplib-oldest',
    proves: 'trace context, counts, lag and outcomes against RabbitMQ',
    test: 'messaging.register.test.ts',
    modules: 'CJS',
  },
  {
    library: 'amqplib',
    proves: 'trace context, counts, lag and outcomes against RabbitMQ',
    test: 'messaging.test.ts',
    modules: 'CJS',
  },
  {
    library: 'kafkajs',
    proves: 'trace context in record headers (batches linked), counts, lag and rebalances against Kafka 4.3',
    test: 'kafka.test.ts',
    modules: 'CJS',
  },
  {
    library: 'nats',
    proves: 'trace context (core and JetStream), counts and lag',
    test: 'pubsub.test.ts',
    modules: BOTH,
  },
  {
    library: 'mqtt',
    proves: 'trace context in MQTT 5 user properties, counts and lag',
    test: 'pubsub.test.ts',
    modules: BOTH,
  },
  {
    library: '@opentelemetry/sdk-node',
    proves: "Faultline steps aside for the app's own SDK",
    test: 'coexistence.test.ts',
    modules: BOTH,
  },
];

/** The directory an entry's library is resolved from. */
export function testAppDir(root: string, testApp: string | undefined): string {
  return testApp === undefined ? root : join(root, 'test-apps', testApp);
}

/** The version of `entry`'s library installed where the test loads it from. */
export function installedVersion(root: string, entry: TestedLibrary): string {
  // Node's own lookup order; `<library>/package.json` itself may not be exported.
  const lookup = createRequire(join(testAppDir(root, entry.testApp), 'package.json')).resolve.paths(
    entry.library,
  );
  for (const dir of lookup ?? []) {
    const manifest = join(dir, entry.library, 'package.json');
    if (existsSync(manifest))
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  throw new Error(`${entry.library} is not installed for ${entry.testApp ?? 'the repository root'}`);
}

const START = '<!-- compatibility:start (generated by npm run compatibility:doc) -->';
const END = '<!-- compatibility:end -->';

/** The README table: one row per library, with every version the tests ran. */
export function renderCompatibilityTable(root: string): string {
  const rows = new Map<string, { versions: string[]; entry: TestedLibrary }>();
  for (const entry of TESTED_LIBRARIES) {
    const row = rows.get(entry.library) ?? { versions: [], entry };
    row.versions.push(installedVersion(root, entry));
    rows.set(entry.library, row);
  }
  const lines = [...rows.entries()].map(
    ([library, { versions, entry }]) =>
      `| \`${library}\` | ${versions.join(', ')} | ${entry.proves} | ${entry.modules} | \`instrumentation/test/${entry.test}\` |`,
  );
  return [
    START,
    '| Library | Versions tested | What the test proves | Module systems | Test |',
    '| --- | --- | --- | --- | --- |',
    ...lines,
    END,
  ].join('\n');
}

/** `readme` with its compatibility section replaced by `table`. */
export function withCompatibilityTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README has no ${START} … ${END} section`);
  return readme.slice(0, start) + table + readme.slice(end + END.length);
}

/** Rewrites the README's table (the script's entry point). */
export function writeCompatibilityTable(root: string): void {
  const path = join(root, 'README.md');
  writeFileSync(path, withCompatibilityTable(readFileSync(path, 'utf8'), renderCompatibilityTable(root)));
}
