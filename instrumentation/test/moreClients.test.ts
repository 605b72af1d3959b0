/**
 * Clients beyond databases, through the OpenTelemetry contrib instrumentations Faultline loads
 * lazily: node-redis against the machine's Redis, graphql executing a query, @grpc/grpc-js calling
 * a service served on loopback, the AWS SDK's S3 client against the local object store (moto), and
 * the mongodb driver against FerretDB (a MongoDB wire-protocol server; no MongoDB runs here).
 * In a real app started with the flag (CommonJS and ESM), each call is a span of the request's
 * trace with the attributes the contrib writes.
 */
import { join } from 'node:path';
import {
  startFerretDb,
  startObjectStore,
  type RunningFerretDb,
  type RunningObjectStore,
} from '../../backends/index.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../../testing/receivers/otlpTraceReceiver.ts';
import { testAppDir } from '../scripts/compatibility.ts';
import { ROOT, runApp, type RunningApp } from './support/runApp.ts';

const fixtures = join(ROOT, 'instrumentation', 'test', 'fixtures');
type Span = Awaited<ReturnType<OtlpTraceReceiver['waitForSpans']>>[number];

const versions: { versions: string; env: Record<string, string> }[] = [
  { versions: 'newest majors', env: {} },
  {
    versions: 'redis 4, graphql 15, mongodb 4',
    env: { LIBRARIES_FROM: testAppDir(ROOT, 'more-clients-oldest') },
  },
];

describe.each(
  versions.flatMap((version) => [
    {
      ...version,
      kind: 'CommonJS',
      flag: '--require' as const,
      script: join(fixtures, 'more-clients-app.cjs'),
    },
    { ...version, kind: 'ESM', flag: '--import' as const, script: join(fixtures, 'more-clients-app.mjs') },
  ]),
)('clients ($versions) in an app ($kind) started with $flag', ({ flag, script, env }) => {
  let store: RunningObjectStore;
  let mongo: RunningFerretDb;
  let receiver: OtlpTraceReceiver;
  let app: RunningApp;

  beforeAll(async () => {
    store = await startObjectStore();
    mongo = await startFerretDb();
    receiver = await startOtlpTraceReceiver();
    app = await runApp({
      script,
      flag,
      env: {
        ...env,
        S3_ENDPOINT: store.endpoint,
        MONGODB_URL: mongo.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await store?.stop();
    await mongo?.stop();
  });

  /** Calls `path`, then waits for its server span and the spans `wanted` picks from its trace. */
  async function traceOf(
    path: string,
    wanted: (trace: Span[]) => boolean,
  ): Promise<{ server: Span; trace: Span[] }> {
    expect((await fetch(`${app.url}${path}`)).status).toBe(200);
    let server: Span | undefined;
    const spans = await receiver.waitForSpans((all) => {
      server = all.find((span) => span.kind === 2 && span.attributes['url.path'] === path);
      return server !== undefined && wanted(all.filter((span) => span.traceId === server!.traceId));
    });
    return { server: server!, trace: spans.filter((span) => span.traceId === server!.traceId) };
  }

  it('records node-redis commands as client spans of the request', async () => {
    const isCommand = (span: Span, name: string) => span.kind === 3 && span.name === `redis-${name}`;
    const { server, trace } = await traceOf('/node-redis', (spans) =>
      ['SET', 'GET'].every((name) => spans.some((span) => isCommand(span, name))),
    );
    const get = trace.find((span) => isCommand(span, 'GET'))!;
    expect(get.parentSpanId).toBe(server.spanId);
    expect(get.scope.name).toBe('@opentelemetry/instrumentation-redis');
    expect(get.attributes).toMatchObject({
      'db.system.name': 'redis',
      'db.operation.name': 'GET',
      'server.address': '127.0.0.1',
      'server.port': 6379,
    });
    // The value written is not in the span: only the command and its key.
    const set = trace.find((span) => isCommand(span, 'SET'))!;
    expect(String(set.attributes['db.query.text'])).not.toContain(' v');
  });

  it('records a graphql operation, its parse and validation, under the request', async () => {
    const { server, trace } = await traceOf('/graphql', (spans) =>
      ['query', 'graphql.parse', 'graphql.validate'].every((name) =>
        spans.some((span) => span.name === name),
      ),
    );
    const operation = trace.find((span) => span.name === 'query')!;
    expect(operation.parentSpanId).toBe(server.spanId);
    expect(operation.scope.name).toBe('@opentelemetry/instrumentation-graphql');
    expect(operation.attributes['graphql.operation.type']).toBe('query');
    // Argument values are masked unless the app asks for them.
    expect(operation.attributes['graphql.source']).toBe('{ hello(name: "*") }');
  });

  it('records a gRPC call as a client span whose server span continues the trace', async () => {
    const isCall = (span: Span, kind: number) =>
      span.kind === kind && span.name === 'grpc.faultline.test.Greeter/Greet';
    const { server, trace } = await traceOf('/grpc', (spans) =>
      [2, 3].every((kind) => spans.some((span) => isCall(span, kind))),
    );
    const client = trace.find((span) => isCall(span, 3))!;
    const handler = trace.find((span) => isCall(span, 2))!;
    expect(client.parentSpanId).toBe(server.spanId);
    expect(handler.parentSpanId).toBe(client.spanId);
    expect(client.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.service': 'faultline.test.Greeter',
      'rpc.method': 'Greet',
      'rpc.grpc.status_code': 0,
    });
  });

  it('records S3 calls as AWS SDK client spans, each with its HTTP request beneath it', async () => {
    const isOperation = (span: Span, name: string) => span.kind === 3 && span.name === `S3.${name}`;
    const { server, trace } = await traceOf('/s3', (spans) =>
      spans.some((span) => isOperation(span, 'PutObject')),
    );
    const put = trace.find((span) => isOperation(span, 'PutObject'))!;
    expect(put.parentSpanId).toBe(server.spanId);
    expect(put.scope.name).toBe('@opentelemetry/instrumentation-aws-sdk');
    expect(put.attributes).toMatchObject({
      'rpc.system': 'aws-api',
      'rpc.service': 'S3',
      'rpc.method': 'PutObject',
    });
    await receiver.waitForSpans((all) =>
      all.some((span) => span.parentSpanId === put.spanId && span.kind === 3),
    );
  });

  it('records mongodb commands as client spans of the request (against FerretDB)', async () => {
    const isCommand = (span: Span, name: string) =>
      span.kind === 3 &&
      span.scope.name === '@opentelemetry/instrumentation-mongodb' &&
      span.name.includes(name);
    const { server, trace } = await traceOf('/mongodb', (spans) =>
      ['insert', 'find'].every((name) => spans.some((span) => isCommand(span, name))),
    );
    const find = trace.find((span) => isCommand(span, 'find'))!;
    expect(find.parentSpanId).toBe(server.spanId);
    expect(find.name).toBe('find orders');
    expect(find.attributes).toMatchObject({
      'db.system.name': 'mongodb',
      'db.namespace': 'faultline',
      'db.operation.name': 'find',
      'db.collection.name': 'orders',
      'server.address': '127.0.0.1',
    });
    // Values are replaced by placeholders: the document's contents never reach the span.
    const insert = trace.find((span) => isCommand(span, 'insert'))!;
    expect(String(insert.attributes['db.query.text'])).not.toMatch(/pending|1200/);
  });
});
