/**
 * Database and cache clients against the machine's MariaDB (mysql2), PostgreSQL (pg) and Redis
 * (ioredis), in a real app started with the flag (CommonJS and ESM): each query or command is a
 * CLIENT span, child of the request's server span, with the semantic conventions the contrib
 * instrumentation writes — each contrib loaded only because the app loaded its library.
 */
import { join } from 'node:path';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { testAppDir } from '../scripts/compatibility.ts';
import { ROOT, runApp, type RunningApp } from './support/runApp.ts';

const fixtures = join(ROOT, 'instrumentation', 'test', 'fixtures');

const versions: { versions: string; env: Record<string, string> }[] = [
  { versions: 'newest majors', env: {} },
  { versions: 'mysql2 2, ioredis 5', env: { LIBRARIES_FROM: testAppDir(ROOT, 'db-clients-oldest') } },
];

describe.each(
  versions.flatMap((version) => [
    {
      ...version,
      kind: 'CommonJS',
      flag: '--require' as const,
      script: join(fixtures, 'db-clients-app.cjs'),
    },
    { ...version, kind: 'ESM', flag: '--import' as const, script: join(fixtures, 'db-clients-app.mjs') },
  ]),
)('database clients ($versions) in an app ($kind) started with $flag', ({ flag, script, env }) => {
  let receiver: OtlpTraceReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    app = await runApp({
      script,
      flag,
      env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50' },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  it.each([
    { path: '/callback', body: [{ two: 2 }], statement: 'SELECT 1 + 1 AS two' },
    { path: '/promise', body: [{ answer: 42 }], statement: 'SELECT ? + 1 AS answer' },
  ])('records mysql2’s $path query as a client span of the request', async ({ path, body, statement }) => {
    const response = await fetch(`${app.url}${path}`);
    expect(await response.json()).toEqual(body);
    // The query's span and the request's, whichever export batch each left in.
    const spans = await receiver.waitForSpans(
      (all) =>
        all.some((span) => span.kind === 3 && JSON.stringify(span.attributes).includes(statement)) &&
        all.some((span) => span.kind === 2 && span.attributes['url.path'] === path),
    );
    const server = spans.find((span) => span.kind === 2 && span.attributes['url.path'] === path)!;
    const query = spans.find(
      (span) => span.kind === 3 && JSON.stringify(span.attributes).includes(statement),
    )!;
    expect(query.parentSpanId).toBe(server.spanId);
    expect(query.traceId).toBe(server.traceId);
    expect(query.scope.name).toBe('@opentelemetry/instrumentation-mysql2');
    expect(query.attributes).toMatchObject({
      'db.system.name': 'mysql',
      'db.namespace': 'faultline',
      'db.query.text': statement,
      'server.address': '127.0.0.1',
      'server.port': 3306,
    });
  });

  it.each([
    {
      path: '/pg',
      body: [{ four: 4 }],
      scope: '@opentelemetry/instrumentation-pg',
      text: 'SELECT 2 + 2 AS four',
    },
    { path: '/redis', body: [{ n: true }], scope: '@opentelemetry/instrumentation-ioredis', text: 'incr' },
  ])('records $path’s call as a client span of the request', async ({ path, body, scope, text }) => {
    const response = await fetch(`${app.url}${path}`);
    expect(await response.json()).toEqual(body);
    const mentions = (span: { attributes: object }) =>
      JSON.stringify(span.attributes).toLowerCase().includes(text.toLowerCase());
    const spans = await receiver.waitForSpans(
      (all) =>
        all.some((span) => span.scope.name === scope && span.kind === 3 && mentions(span)) &&
        all.some((span) => span.kind === 2 && span.attributes['url.path'] === path),
    );
    const server = spans.find((span) => span.kind === 2 && span.attributes['url.path'] === path)!;
    const call = spans.find((span) => span.scope.name === scope && span.kind === 3 && mentions(span))!;
    expect(call.parentSpanId).toBe(server.spanId);
  });
});
