import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import protobuf from 'protobufjs';
import type { SampleTraceReport } from './fixtures/exportSampleTrace.ts';
import { PROTO_VERSION, loadTraceSchema } from './otlp/otlpProto.ts';
import { SPAN_KIND, STATUS_CODE } from './otlp/validateTraceRequest.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from './otlpTraceReceiver.ts';

const SUCCESS = 0;
const FAILED = 1;

/**
 * Runs the real SDK and OTLP exporter in a child Node process (see fixtures/exportSampleTrace.ts
 * for why) and returns what it sent and the exporter's result code.
 */
async function exportSampleTrace(url: string, encoding: 'protobuf' | 'json', timeoutMs?: number) {
  const script = path.join(__dirname, 'fixtures', 'exportSampleTrace.ts');
  const args = [script, '--url', url, '--encoding', encoding];
  if (timeoutMs !== undefined) args.push('--timeout-ms', String(timeoutMs));
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 30_000 });
  return JSON.parse(stdout) as SampleTraceReport;
}

/** A valid request in the shared decoded shape (ids as Buffers), for hand-made payloads. */
function validRequest(
  overrides: {
    traceId?: Buffer;
    startTimeUnixNano?: string;
    flags?: number;
    scopeAttributeKey?: string;
  } = {},
) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hand-made' } }] },
        scopeSpans: [
          {
            scope: {
              name: 'manual',
              version: '1',
              attributes: [
                { key: overrides.scopeAttributeKey ?? 'scope.kind', value: { stringValue: 'test' } },
              ],
            },
            spans: [
              {
                traceId: overrides.traceId ?? Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'),
                spanId: Buffer.from('b7ad6b7169203331', 'hex'),
                name: 'work',
                kind: 1,
                startTimeUnixNano: overrides.startTimeUnixNano ?? '1700000000000000000',
                endTimeUnixNano: '1700000000500000000',
                ...(overrides.flags === undefined ? {} : { flags: overrides.flags }),
              },
            ],
          },
        ],
      },
    ],
  };
}

function encodeProtobuf(request: object): Buffer {
  const { request: type } = loadTraceSchema();
  return Buffer.from(type.encode(type.fromObject(request)).finish());
}

/**
 * validRequest() encoded by hand, its span's `flags` (field 16, fixed32, opentelemetry-proto
 * v1.1.0) appended as raw bytes, so the test does not rely on the schema it checks.
 */
function encodeWithSpanFlags(): Buffer {
  const root = loadTraceSchema().request.root;
  const Span = root.lookupType('opentelemetry.proto.trace.v1.Span');
  const Resource = root.lookupType('opentelemetry.proto.resource.v1.Resource');
  const request = validRequest().resourceSpans[0]!;
  const spanFields = Buffer.from(Span.encode(Span.fromObject(request.scopeSpans[0]!.spans[0]!)).finish());
  const flags = Buffer.from([(16 << 3) | 5, 0x01, 0x01, 0x03, 0x00, 0x00]); // tag 133 as varint, then 0x301
  const span = Buffer.concat([spanFields, flags]);
  const resource = Resource.encode(Resource.fromObject(request.resource)).finish();
  const lengthDelimited = (field: number) => (field << 3) | 2;
  const scopeSpans = protobuf.Writer.create().uint32(lengthDelimited(2)).bytes(span).finish();
  const resourceSpans = protobuf.Writer.create()
    .uint32(lengthDelimited(1))
    .bytes(resource)
    .uint32(lengthDelimited(2))
    .bytes(scopeSpans)
    .finish();
  return Buffer.from(protobuf.Writer.create().uint32(lengthDelimited(1)).bytes(resourceSpans).finish());
}

/** The OTLP/JSON spelling of validRequest(): hex ids, integer enums, string nanoseconds. */
function validJson(): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hand-made' } }] },
        scopeSpans: [
          {
            scope: { name: 'manual' },
            spans: [
              {
                traceId: '0af7651916cd43dd8448eb211c80319c',
                spanId: 'b7ad6b7169203331',
                name: 'work',
                kind: 1,
                startTimeUnixNano: '1700000000000000000',
                endTimeUnixNano: 1700000000500000000,
                flags: 257, // newer than the v0.18 schema: skipped, not rejected
                attributes: [{ key: 'n', value: { intValue: '9007199254740993' } }],
              },
            ],
          },
        ],
      },
    ],
  };
}

function firstSpan(json: Record<string, unknown>): Record<string, unknown> {
  const resourceSpans = json.resourceSpans as { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
  return resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
}

async function post(receiver: OtlpTraceReceiver, contentType: string, body: string | Buffer) {
  const response = await fetch(receiver.tracesUrl, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as { message: string; path: string } };
}

describe('OTLP trace receiver', () => {
  let receiver: OtlpTraceReceiver;
  beforeEach(async () => {
    receiver = await startOtlpTraceReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  describe.each(['protobuf', 'json'] as const)('with the real OTLP/%s exporter', (encoding) => {
    it('accepts the export, answers in the same encoding and normalises every span', async () => {
      const report = await exportSampleTrace(receiver.tracesUrl, encoding);

      expect(report).toMatchObject({ code: SUCCESS });
      const spans = await receiver.waitForSpans((all) => all.length === 2, { timeoutMs: 5000 });
      expect(receiver.rejections()).toEqual([]);
      expect(receiver.exports().map((e) => e.encoding)).toEqual([encoding]);

      const sentServer = report.spans.find((s) => s.name === 'POST /orders')!;
      const server = spans.find((s) => s.name === 'POST /orders')!;
      const client = spans.find((s) => s.name === 'SELECT orders')!;
      expect(server).toMatchObject({
        traceId: sentServer.traceId,
        spanId: sentServer.spanId,
        parentSpanId: '',
        kind: SPAN_KIND.SERVER,
        scope: { name: 'faultline-test', version: '0.0.1' },
      });
      expect(server.resource).toMatchObject({ 'service.name': 'checkout', 'service.version': '1.2.3' });
      expect(client).toMatchObject({
        traceId: sentServer.traceId,
        parentSpanId: sentServer.spanId,
        kind: SPAN_KIND.CLIENT,
        attributes: { 'db.system': 'postgresql', 'db.rows': 3, ratio: 0.5, cached: false, tags: ['a', 'b'] },
        status: { code: STATUS_CODE.ERROR, message: 'connection reset' },
      });
      expect(client.events).toEqual([expect.objectContaining({ name: 'retry', attributes: { attempt: 2 } })]);
      expect(client.endTimeUnixNano).toBeGreaterThanOrEqual(client.startTimeUnixNano);
    });
  });

  it(`decodes Span.flags with the pinned opentelemetry-proto ${PROTO_VERSION} schema`, async () => {
    const response = await post(receiver, 'application/x-protobuf', encodeWithSpanFlags());
    expect(response.status).toBe(200);
    expect(response.text).toBe(''); // an empty ExportTraceServiceResponse encodes to zero bytes
    const span = await receiver.waitForSpan(
      (s) => s.name === 'work' && s.resource['service.name'] === 'hand-made',
    );
    expect(span.flags).toBe(0x301);
  });

  it.each([
    [0x1001, /reserved bits/],
    [0x201, /IS_REMOTE set without HAS_IS_REMOTE/],
  ])('rejects span flags %s', async (flags, problem) => {
    const response = await post(receiver, 'application/x-protobuf', encodeProtobuf(validRequest({ flags })));
    expect(response.status).toBe(400);
    expect(response.json().path).toBe('resourceSpans[0].scopeSpans[0].spans[0].flags');
    expect(response.json().message).toMatch(problem);
  });

  it('checks instrumentation scope attributes like any other attributes', async () => {
    const body = encodeProtobuf(validRequest({ scopeAttributeKey: '' }));
    const response = await post(receiver, 'application/x-protobuf', body);
    expect(response.status).toBe(400);
    expect(response.json().path).toBe('resourceSpans[0].scopeSpans[0].scope.attributes[0].key');
  });

  it('accepts OTLP/JSON with 64-bit integers as strings or numbers, keeps big ints exact and skips newer nested fields', async () => {
    const response = await post(receiver, 'application/json; charset=utf-8', JSON.stringify(validJson()));
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({});
    const span = await receiver.waitForSpan((s) => s.name === 'work');
    expect(span.attributes.n).toBe(9007199254740993n);
    expect(span.endTimeUnixNano).toBe(1700000000500000000n);
  });

  it('rejects OTLP/JSON whose ids are base64 instead of hex, naming the field', async () => {
    const json = validJson();
    firstSpan(json).traceId = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64');
    const response = await post(receiver, 'application/json', JSON.stringify(json));
    expect(response.status).toBe(400);
    expect(response.json().path).toBe('resourceSpans[0].scopeSpans[0].spans[0].traceId');
    expect(response.json().message).toMatch(/not base64/);
    await expect(receiver.waitForRejection((r) => r.status === 400)).resolves.toMatchObject({
      path: expect.any(String),
    });
    expect(receiver.spans()).toEqual([]);
  });

  it.each([
    [
      'an unknown top-level key',
      (json: Record<string, unknown>) => (json.extra = true),
      /unknown field "extra"/,
    ],
    [
      'a snake_case field name',
      (json: Record<string, unknown>) => (json.resource_spans = []),
      /lowerCamelCase/,
    ],
    [
      'a symbolic enum',
      (json: Record<string, unknown>) => (firstSpan(json).kind = 'SPAN_KIND_SERVER'),
      /integer/,
    ],
    [
      'a number where a string belongs',
      (json: Record<string, unknown>) => (firstSpan(json).name = 42),
      /string/,
    ],
    [
      'a fractional timestamp',
      (json: Record<string, unknown>) => (firstSpan(json).endTimeUnixNano = 1.5),
      /integer/,
    ],
    [
      'an attribute without a value',
      (json: Record<string, unknown>) => (firstSpan(json).attributes = [{ key: 'x' }]),
      /no value/,
    ],
    [
      'an end before the start',
      (json: Record<string, unknown>) => (firstSpan(json).endTimeUnixNano = '1'),
      /before start/,
    ],
    ['an unknown span kind', (json: Record<string, unknown>) => (firstSpan(json).kind = 9), /SpanKind/],
  ])('rejects OTLP/JSON with %s', async (_name, mutate, problem) => {
    const json = validJson();
    mutate(json);
    const response = await post(receiver, 'application/json', JSON.stringify(json));
    expect(response.status).toBe(400);
    expect(response.json().message).toMatch(problem);
    expect(receiver.rejections()).toHaveLength(1);
  });

  it('rejects a resource without service.name', async () => {
    const json = validJson();
    (json.resourceSpans as { resource: unknown }[])[0]!.resource = { attributes: [] };
    const response = await post(receiver, 'application/json', JSON.stringify(json));
    expect(response.status).toBe(400);
    expect(response.json().message).toMatch(/service\.name/);
  });

  it('rejects a truncated protobuf body', async () => {
    const body = encodeProtobuf(validRequest());
    const response = await post(receiver, 'application/x-protobuf', body.subarray(0, body.length - 7));
    expect(response.status).toBe(400);
    expect(response.json().message).toMatch(/invalid protobuf/);
  });

  it('rejects an all-zero trace id', async () => {
    const response = await post(
      receiver,
      'application/x-protobuf',
      encodeProtobuf(validRequest({ traceId: Buffer.alloc(16) })),
    );
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ path: 'resourceSpans[0].scopeSpans[0].spans[0].traceId' });
    expect(response.json().message).toMatch(/all zeroes/);
  });

  it('rejects a zero start time', async () => {
    const response = await post(
      receiver,
      'application/x-protobuf',
      encodeProtobuf(validRequest({ startTimeUnixNano: '0' })),
    );
    expect(response.status).toBe(400);
    expect(response.json().path).toMatch(/startTimeUnixNano$/);
  });

  it('answers 415 to an unsupported content type and records it', async () => {
    const response = await post(receiver, 'text/plain', JSON.stringify(validJson()));
    expect(response.status).toBe(415);
    expect(receiver.rejections()).toEqual([
      expect.objectContaining({ status: 415, contentType: 'text/plain' }),
    ]);
  });

  it('answers 503 in error mode and recovers when switched back', async () => {
    receiver.setMode('error');
    expect((await post(receiver, 'application/json', JSON.stringify(validJson()))).status).toBe(503);
    receiver.setMode('ok');
    expect((await post(receiver, 'application/json', JSON.stringify(validJson()))).status).toBe(200);
    expect(receiver.requestCount()).toBe(2);
    expect(receiver.spans()).toHaveLength(1);
  });

  it('never answers in hang mode, so a real exporter times out, and close() still returns', async () => {
    receiver.setMode('hang');
    const report = await exportSampleTrace(receiver.tracesUrl, 'protobuf', 300);
    expect(report.code).toBe(FAILED);
    await receiver.waitForRequestCount(1);
    expect(receiver.spans()).toEqual([]);
    await receiver.close();
  });
});
