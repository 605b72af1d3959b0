/**
 * Database and cache clients against the machine's MariaDB (mysql2), PostgreSQL (pg) and Redis
 * (ioredis), in a real app started with the flag (CommonJS and ESM): each query or command is a
 * CLIENT span, child of the request's server span, with the semantic conventions the contrib
 * instrumentation writes — each contrib loaded only because the app loaded its library. With
 * more concurrent requests than a pool has connections, every request's trace still holds
 * exactly its own query and the Redis read that follows it.
 */
import { join } from 'node:path';
import type { NormalisedSpan } from '../../testing/receivers/otlp/normaliseSpans.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { testAppDir } from '../scripts/compatibility.ts';
import { eventually, ROOT, runApp, type RunningApp } from './support/runApp.ts';

const fixtures = join(ROOT, 'instrumentation', 'test', 'fixtures');
const CONCURRENT_REQUESTS = 20;
const MYSQL2 = '@opentelemetry/instrumentation-mysql2';
const PG = '@opentelemetry/instrumentation-pg';
const IOREDIS = '@opentelemetry/instrumentation-ioredis';

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

  // More concurrent requests than the pools have connections: most queries wait in the pool's
  // queue and run when another request's query releases a connection.
  it.each([
    { route: 'callback', pool: 'mysql2', query: [MYSQL2] },
    { route: 'execute', pool: 'mysql2', query: [MYSQL2] },
    { route: 'connection', pool: 'mysql2', query: [MYSQL2] },
    { route: 'promise', pool: 'mysql2', query: [MYSQL2] },
    { route: 'pg', pool: 'pg', query: [PG, PG] }, // the pool's connect span and the query's
    { route: 'pg-callback', pool: 'pg', query: [PG, PG] },
  ] as const)(
    'keeps every queued $route query and the Redis read after it in its own request’s trace',
    async ({ route, pool, query }) => {
      const queued = async () => (await (await fetch(`${app.url}/pooled/queued`)).json()) as PoolStats;
      const before = await eventually(
        async () => {
          const stats = await queued();
          return stats.redis === 'ready' ? stats : undefined;
        },
        { what: 'the Redis client to be ready' },
      );
      const paths = Array.from({ length: CONCURRENT_REQUESTS }, (_, n) => `/pooled/${route}/${n}`);
      const answers = await Promise.all(paths.map(async (path) => (await fetch(`${app.url}${path}`)).json()));
      expect(answers).toEqual(paths.map((_, n) => [{ n }]));
      expect((await queued())[pool]).toBeGreaterThan(before[pool]);
      // A request's client spans end before its server span, and spans are exported in end order.
      const spans = await receiver.waitForSpans((all) => paths.every((path) => serverSpanOf(all, path)));
      const shapes = paths.map((path) => ({ path, children: childrenOf(spans, serverSpanOf(spans, path)!) }));
      const expected = [...query, IOREDIS].sort();
      expect(shapes).toEqual(paths.map((path) => ({ path, children: expected })));
    },
  );
});

/** What the fixture's /pooled/queued answers: queries that waited so far, per pool, and Redis' status. */
interface PoolStats {
  readonly mysql2: number;
  readonly pg: number;
  readonly redis: string;
}

function serverSpanOf(spans: readonly NormalisedSpan[], path: string): NormalisedSpan | undefined {
  return spans.find((span) => span.kind === 2 && span.attributes['url.path'] === path);
}

/**
 * The scopes of the spans whose parent is `server`, and of any span in its trace whose parent is
 * not in it (marked): a request's trace holds its server span and what descends from it.
 */
function childrenOf(spans: readonly NormalisedSpan[], server: NormalisedSpan): string[] {
  const trace = spans.filter((span) => span.traceId === server.traceId);
  const inTrace = new Set(trace.map((span) => span.spanId));
  const children = trace.filter((span) => span.parentSpanId === server.spanId).map((span) => span.scope.name);
  const strays = trace
    .filter((span) => span !== server && !inTrace.has(span.parentSpanId))
    .map((span) => `${span.scope.name} (parent not in the trace)`);
  return [...children, ...strays].sort();
}
