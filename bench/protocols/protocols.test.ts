/**
 * Each protocol's decoder reads spans out of hand-made bodies in that protocol's documented
 * shape; the real agents' payloads are checked in sink.test.ts.
 */
import { encode } from '@msgpack/msgpack';
import { gzipSync } from 'node:zlib';
import { decompress } from '../sink.ts';
import { summariseTraces } from '../traceShape.ts';
import { decodeDatadogTraces } from './datadog.ts';
import { decodeElasticApmEvents } from './elasticApm.ts';
import { decodeSentryEnvelope } from './sentry.ts';

const isUsers = (path: string): boolean => /^\/users\/[^/]+$/.test(path);

describe('the Datadog decoder', () => {
  const root = {
    trace_id: 2n ** 63n + 5n,
    span_id: 2n ** 63n + 5n,
    parent_id: 0n,
    name: 'express.request',
    resource: 'GET /users/:id',
    meta: { 'http.url': 'http://127.0.0.1:3000/users/42', 'span.kind': 'server' },
  };
  const child = {
    trace_id: root.trace_id,
    span_id: 7n,
    parent_id: root.span_id,
    name: 'router.middleware',
    meta: {},
  };

  it('reads /v0.4 traces with 64-bit ids as trace, root path and kinds', () => {
    const records = decodeDatadogTraces(
      Buffer.from(encode([[root, child]], { useBigInt64: true })),
      '/v0.4/traces',
    );
    expect(records).toEqual([
      { traceId: String(root.trace_id), name: 'express.request', kind: 'server', rootPath: '/users/42' },
      { traceId: String(root.trace_id), name: 'router.middleware', kind: 'internal', rootPath: undefined },
    ]);
  });

  it('reads the string-table form of /v0.5', () => {
    const strings = [
      '',
      'express.request',
      'GET /users/:id',
      'http.url',
      'http://h/users/1',
      'span.kind',
      'server',
    ];
    const span = [0, 1, 2, 9n, 9n, 0n, 0n, 1n, 0, { 3: 4, 5: 6 }, {}, 0];
    const records = decodeDatadogTraces(
      Buffer.from(encode([strings, [[span]]], { useBigInt64: true })),
      '/v0.5/traces',
    );
    expect(records).toEqual([
      { traceId: '9', name: 'express.request', kind: 'server', rootPath: '/users/1' },
    ]);
  });
});

describe('the Elastic APM intake decoder', () => {
  it('counts transactions and spans, skipping metadata, metricsets and a cut-off last line', () => {
    const lines = [
      { metadata: { service: { name: 'bench-app' } } },
      { metricset: { samples: {} } },
      { span: { trace_id: 't1', parent_id: 'a', name: 'SELECT', type: 'db' } },
      {
        transaction: {
          trace_id: 't1',
          id: 'a',
          name: 'GET /users/:id',
          context: { request: { url: { pathname: '/users/1' } } },
        },
      },
    ].map((line) => JSON.stringify(line));
    const body = Buffer.from(`${lines.join('\n')}\n{"transaction":{"trace_id":"t2","na`);
    const shape = summariseTraces([decodeElasticApmEvents(body)], isUsers);
    expect(shape).toMatchObject({ traces: 1, spans: 2, byKind: { server: 1, client: 1, internal: 0 } });
  });
});

describe('the Sentry envelope decoder', () => {
  const header = JSON.stringify({ sent_at: '2026-01-01T00:00:00Z' });

  it('counts a transaction item as its root span plus its child spans', () => {
    const transaction = {
      type: 'transaction',
      transaction: 'GET /users/:id',
      request: { url: 'http://127.0.0.1:3000/users/42' },
      contexts: { trace: { trace_id: 'abc', span_id: 'r' } },
      spans: [
        { trace_id: 'abc', op: 'db', description: 'SELECT' },
        { trace_id: 'abc', op: 'middleware.express' },
      ],
    };
    const body = Buffer.from(
      [header, JSON.stringify({ type: 'transaction' }), JSON.stringify(transaction)].join('\n'),
    );
    expect(summariseTraces([decodeSentryEnvelope(body)], isUsers)).toMatchObject({
      traces: 1,
      spansPerTrace: 3,
      byKind: { server: 1, client: 1, internal: 1 },
    });
  });

  it('counts streamed span items, the segment span being the request', () => {
    const items = [
      {
        trace_id: 'abc',
        span_id: 'c',
        parent_span_id: 'r',
        name: '/users/:id',
        is_segment: false,
        attributes: {},
      },
      {
        trace_id: 'abc',
        span_id: 'r',
        name: 'GET /users/:id',
        is_segment: true,
        attributes: { 'url.path': { value: '/users/42' }, 'sentry.kind': { value: 'server' } },
      },
    ];
    const body = Buffer.from(
      [
        header,
        JSON.stringify({ type: 'span', item_count: 2 }),
        JSON.stringify({ version: 2, items }),
        '',
      ].join('\n'),
    );
    expect(summariseTraces([decodeSentryEnvelope(body)], isUsers)).toMatchObject({
      traces: 1,
      spansPerTrace: 2,
    });
  });
});

describe('trace summaries', () => {
  it('count only traces whose root path matches, and bodies that could not be decoded', () => {
    const shape = summariseTraces(
      [
        [
          { traceId: 'a', name: 'child', kind: 'client', rootPath: undefined },
          { traceId: 'a', name: 'GET', kind: 'server', rootPath: '/users/1' },
          { traceId: 'b', name: 'GET', kind: 'server', rootPath: '/users/1/profile' },
          { traceId: 'c', name: 'orphan', kind: 'internal', rootPath: undefined },
        ],
        new Error('not msgpack'),
      ],
      isUsers,
    );
    expect(shape).toMatchObject({ traces: 1, spans: 2, spansPerTrace: 2, undecodable: 1 });
  });

  it('read what arrived of a gzip stream cut off when its sender exited', () => {
    const whole = gzipSync(Buffer.from('{"transaction":{}}\n'.repeat(200)));
    const cut = decompress(whole.subarray(0, whole.length - 8), 'gzip');
    expect(cut.toString()).toContain('{"transaction":{}}\n');
  });
});
