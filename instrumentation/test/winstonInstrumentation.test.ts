/**
 * The winston instrumentation on its production path, outside Jest (whose module registry
 * bypasses require-in-the-middle): a plain Node process preloads the built package, enables
 * the instrumentation, and only then does an unmodified CommonJS or ESM app load winston.
 * Uses the built package (`npm run build`, which `npm test` runs first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StoredDocument } from '../../testing/receivers/elasticsearch/DocumentStore.ts';
import {
  startElasticsearchBulkReceiver,
  type ElasticsearchBulkReceiver,
} from '../../testing/receivers/elasticsearchBulkReceiver.ts';
import { ECS_VERSION } from '../src/catalogue/index.ts';
import { REDACTED } from '../src/redaction/createRedactor.ts';
import { NODE, ROOT } from './support/runApp.ts';

const run = promisify(execFile);
const DIST = join(ROOT, 'instrumentation', 'dist', 'index.js');
const FIXTURES = join(__dirname, 'fixtures');

interface FixtureRun {
  readonly consoleLines: Record<string, unknown>[];
  readonly result: { traceId: string; spanId: string; transports: string[]; reconfigured: string[] };
  readonly flushed: { drained: boolean } | undefined;
  readonly stderr: string;
}

/** Runs `app` with the preload; the receiver starts empty for each run. */
async function runFixture(app: string, env: Record<string, string>): Promise<FixtureRun> {
  receiver.reset();
  const { stdout, stderr } = await run(
    NODE,
    ['--require', join(FIXTURES, 'winston-preload.cjs'), join(FIXTURES, app)],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, FAULTLINE_TEST_DIST: DIST, ...env },
      // The process has to end on its own: a timer the shipper forgot to unref would hang it here.
      timeout: 30_000,
    },
  );
  const lines = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    consoleLines: lines.filter((line) => line.fixture === undefined),
    result: lines.find((line) => line.fixture === 'app') as unknown as FixtureRun['result'],
    flushed: lines.find((line) => line.fixture === 'flushed') as FixtureRun['flushed'],
    stderr,
  };
}

let receiver: ElasticsearchBulkReceiver;

beforeAll(async () => {
  expect(existsSync(DIST)).toBe(true); // run `npm run build` first
  receiver = await startElasticsearchBulkReceiver();
});
afterAll(() => receiver.close());

const byMessage = (docs: StoredDocument[], start: string) =>
  docs.find((doc) => String(doc.source.message).startsWith(start))?.source;

describe.each([
  ['CommonJS', 'winston-app.cjs'],
  ['ESM', 'winston-app.mjs'],
])('winston instrumentation in a %s app', (_kind, app) => {
  let fixture: FixtureRun;
  beforeAll(async () => {
    fixture = await runFixture(app, { FIXTURE_ES_URL: receiver.url });
  });

  test('records written inside a span carry its trace and span ids and the service name; others do not', () => {
    const { consoleLines, result } = fixture;
    const [outside, inside, child] = consoleLines;
    expect(outside).toEqual({ component: 'checkout', level: 'info', message: 'outside any span' });
    const correlation = {
      'trace.id': result.traceId,
      'span.id': result.spanId,
      'service.name': 'winston-fixture',
    };
    expect(inside).toMatchObject({ ...correlation, component: 'checkout' });
    expect(child).toMatchObject({ ...correlation, requestId: 'r-1', level: 'warn' });
    expect(result.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  test('every logger, the default logger included, ships ECS records to Elasticsearch without the app adding a transport', async () => {
    expect(fixture.flushed).toMatchObject({ drained: true });
    expect(fixture.result.transports).toEqual(['Console', 'ElasticsearchTransport']);
    expect(fixture.result.reconfigured).toEqual(['Console', 'ElasticsearchTransport']);
    expect(fixture.stderr).not.toContain('Attempt to write logs with no transports');

    const docs = receiver.documents('logs-faultline-default');
    expect(docs.map((doc) => doc.source.message).sort()).toEqual(
      [
        'outside any span',
        `charging password=${REDACTED} with card **** **** **** 1111`,
        'child logger inside the span',
        'default logger inside the span',
      ].sort(),
    );
    const ecs = {
      'ecs.version': ECS_VERSION,
      'service.name': 'winston-fixture',
      'service.version': '1.2.3',
      'service.node.name': 'fixture-1',
      'trace.id': fixture.result.traceId,
      'span.id': fixture.result.spanId,
    };
    expect(byMessage(docs, 'default logger')).toMatchObject({ ...ecs, 'log.level': 'info' });
    expect(byMessage(docs, 'child logger')).toMatchObject({ ...ecs, 'log.level': 'warn', requestId: 'r-1' });
    expect(byMessage(docs, 'outside')).not.toHaveProperty('trace.id');
    expect(receiver.bulkRequests().flatMap((bulk) => bulk.operations.map((op) => op.action))).toEqual(
      docs.map(() => 'create'),
    );
    expect(receiver.rejections()).toEqual([]);
  });

  test('secrets and card numbers in the message and the metadata are masked in what is shipped', () => {
    const charged = byMessage(receiver.documents(), 'charging');
    expect(charged).toMatchObject({
      user: { name: 'bob', password: REDACTED },
      card_number: REDACTED,
      component: 'checkout',
    });
    expect(JSON.stringify(receiver.documents())).not.toMatch(/hunter2|4111 1111 1111 1111|4111111111111111/);
  });
});

test('with correlation off and no shipper, loggers are left as the app configured them', async () => {
  const { consoleLines, result, flushed } = await runFixture('winston-app.cjs', {
    FIXTURE_CORRELATION: 'false',
  });
  expect(consoleLines.some((line) => 'trace.id' in line || 'service.name' in line)).toBe(false);
  expect(result.transports).toEqual(['Console']);
  expect(result.reconfigured).toEqual(['Console']);
  expect(flushed).toBeUndefined();
  expect(receiver.bulkRequestCount()).toBe(0);
});
