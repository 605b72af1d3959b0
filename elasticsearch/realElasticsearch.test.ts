/**
 * Faultline's log path against a real Elasticsearch: 9.4.3's integration-test distribution, one
 * node started by `backends/` for this file. It has no ILM and none of the x-pack or
 * mapper-extras field types, so the committed template goes in as `coreIndexTemplate`. A
 * foreign express app, started with the drop-in flag, ships its winston logs there, with its
 * spans going to the strict OTLP receiver (the oracle for trace and span ids).
 *
 * The tests share the node and the app and run in order: the outage test stops the node and
 * starts a new one on the same port and data directory, and the mapping test comes last, so it
 * judges every field written above, the shipper's own warnings about the outage included.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { estypes } from '@elastic/elasticsearch';
import { REDACTED, logFields, metrics as catalogue } from '@faultline/instrumentation';
import { startElasticsearch, type RunningElasticsearch } from '../backends/index.ts';
import {
  NODE,
  ROOT,
  eventually,
  runApp,
  sampleValue,
  type RunningApp,
} from '../instrumentation/test/support/runApp.ts';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../testing/receivers/otlpTraceReceiver.ts';
import { coreIndexTemplate } from './coreIndexTemplate.ts';
import { fieldMapping, mappedFields } from './fieldMapping.ts';
import { findLogsByTraceId, type StoredLog } from './findLogs.ts';
import { INDEX_TEMPLATE_NAME } from './indexTemplate.ts';
import { installElasticsearchAssets } from './setup.ts';

const run = promisify(execFile);
const STREAM = 'logs-faultline-default';
const BACKING_INDEX = /^\.ds-logs-faultline-default-\d{4}\.\d{2}\.\d{2}-\d{6}$/;
/** The metadata the express, pino and bunyan fixtures log: the only fields the template may leave to dynamic mapping. */
const APP_METADATA = ['userId', 'profileId', 'user', 'password', 'card', 'requestId', 'component'];

let dir: string;
let es: RunningElasticsearch;
let otlp: OtlpTraceReceiver;
let app: RunningApp;

/** Calls Elasticsearch's REST API and resolves with the JSON answer; throws on a non-2xx. */
async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${es.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** The stored log records matching `query`, oldest first. */
async function search(query: object): Promise<StoredLog[]> {
  const answer = await api<estypes.SearchResponse<Record<string, unknown>>>('POST', `/${STREAM}/_search`, {
    query,
    sort: [{ '@timestamp': 'asc' }],
    size: 1000,
  });
  return answer.hits.hits.map((hit) => ({ index: hit._index, id: hit._id ?? '', source: hit._source ?? {} }));
}

/** Waits until exactly `count` stored records match `query` (search is near real time). */
function stored(query: object, count: number, what: string): Promise<StoredLog[]> {
  return eventually(
    async () => {
      const found = await search(query);
      return found.length === count ? found : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250, what },
  );
}

const byMessage = (message: string, field: string, value: string) => ({
  bool: { filter: [{ match_phrase: { message } }, { term: { [field]: value } }] },
});

async function logsMetric(name: string, labels: Record<string, string> = {}): Promise<number> {
  return sampleValue(await app.metrics(), name, { signal: 'logs', ...labels }) ?? 0;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-es-'));
  es = await startElasticsearch({ dir });
  await installElasticsearchAssets(es.url, { distribution: 'core' });
  otlp = await startOtlpTraceReceiver();
  app = await runApp({
    script: join(ROOT, 'instrumentation', 'test', 'fixtures', 'express-app.cjs'),
    flag: '--require',
    env: {
      OTEL_SERVICE_NAME: 'es-app',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      FAULTLINE_ELASTICSEARCH_URL: es.url,
      FAULTLINE_LOG_FLUSH_INTERVAL_MS: '100',
    },
  });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await otlp?.close();
  await es?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('Faultline logs in a real Elasticsearch', () => {
  it('installs the committed index template as coreIndexTemplate (no lifecycle, core field types), and the app’s logs land in the logs-faultline-default data stream', async () => {
    const { index_templates: templates } = await api<estypes.IndicesGetIndexTemplateResponse>(
      'GET',
      `/_index_template/${INDEX_TEMPLATE_NAME}`,
    );
    const installed = templates[0]?.index_template;
    expect(installed?.index_patterns).toEqual(coreIndexTemplate.index_patterns);
    expect(installed?.data_stream).toBeDefined();
    expect(installed?.template?.mappings).toEqual(coreIndexTemplate.template?.mappings);
    // Elasticsearch answers setting values as strings.
    const settings = Object.entries(coreIndexTemplate.template?.settings?.index ?? {});
    expect(installed?.template?.settings).toEqual({
      index: Object.fromEntries(settings.map(([key, value]) => [key, String(value)])),
    });
    expect(installed?.template?.settings?.index).not.toHaveProperty('lifecycle');
    expect(installed?._meta).toEqual(coreIndexTemplate._meta);

    expect((await fetch(`${app.url}/profiles/stream-1`)).status).toBe(200);
    const [line] = await stored({ term: { profileId: 'stream-1' } }, 1, 'the line of /profiles/stream-1');
    expect(line?.index).toMatch(BACKING_INDEX);
    expect(line?.source).toMatchObject({ message: 'serving profile', 'service.name': 'es-app' });
    const resolved = await api<estypes.IndicesResolveIndexResponse>('GET', `/_resolve/index/${STREAM}`);
    expect(resolved.data_streams).toEqual([
      expect.objectContaining({
        name: STREAM,
        backing_indices: [line?.index],
        timestamp_field: '@timestamp',
      }),
    ]);
  });

  it('npm run elasticsearch:setup names what this node lacks, and installs with FAULTLINE_ELASTICSEARCH_DISTRIBUTION=core', async () => {
    const setup = (env: Record<string, string>) =>
      run(NODE, [join(ROOT, 'elasticsearch', 'main.ts')], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, FAULTLINE_ELASTICSEARCH_URL: es.url, ...env },
        timeout: 60_000,
      });

    const refused = await setup({}).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('PUT /_ilm/policy/faultline-logs answered 400');
    expect(refused?.stderr).toContain('set FAULTLINE_ELASTICSEARCH_DISTRIBUTION=core');

    const { stdout, stderr } = await setup({ FAULTLINE_ELASTICSEARCH_DISTRIBUTION: 'core' });
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Elasticsearch: FAULTLINE_ELASTICSEARCH_DISTRIBUTION=core: no lifecycle policy/),
    ]);
    expect(stdout.trim()).toBe(`Elasticsearch: installed /_index_template/${INDEX_TEMPLATE_NAME}`);
  });

  it('a term query on trace.id finds exactly the lines logged inside that trace’s spans, each with its span.id', async () => {
    for (const id of ['trace-a', 'trace-b']) expect((await fetch(`${app.url}/users/${id}`)).status).toBe(200);
    const spans = await otlp.waitForSpans((all) =>
      ['/profiles/trace-a', '/profiles/trace-b'].every((path) =>
        all.some((s) => s.attributes['url.path'] === path),
      ),
    );
    const span = (path: string) => spans.find((s) => s.attributes['url.path'] === path)!;
    const [outer, inner, other] = [span('/users/trace-a'), span('/profiles/trace-a'), span('/users/trace-b')];
    expect(inner.traceId).toBe(outer.traceId);
    expect(other.traceId).not.toBe(outer.traceId);

    // Both traces' lines are stored before the query is judged, so a late line cannot be missed.
    await stored(
      { terms: { [logFields.traceId]: [outer.traceId, other.traceId] } },
      4,
      'the lines of both traces',
    );
    const found = await findLogsByTraceId(es.url, outer.traceId);

    // Sorted by message: both lines can carry the same millisecond.
    const sources = found
      .map((log) => log.source)
      .sort((a, b) => String(a.message).localeCompare(String(b.message)));
    expect(sources).toEqual([
      expect.objectContaining({
        message: 'looking up user',
        userId: 'trace-a',
        [logFields.traceId]: outer.traceId,
        [logFields.spanId]: outer.spanId,
      }),
      expect.objectContaining({
        message: 'serving profile',
        profileId: 'trace-a',
        [logFields.traceId]: outer.traceId,
        [logFields.spanId]: inner.spanId,
      }),
    ]);
    expect(found.every((log) => BACKING_INDEX.test(log.index))).toBe(true);
  });

  it.each(['pino', 'bunyan'])(
    'ships %s records like winston’s: found by trace.id, each with its span.id, masked',
    async (logger) => {
      const loggers = await runApp({
        script: join(ROOT, 'instrumentation', 'test', 'fixtures', 'loggers-app.cjs'),
        flag: '--require',
        env: {
          LOGGER: logger,
          OTEL_SERVICE_NAME: `es-${logger}`,
          OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          FAULTLINE_ELASTICSEARCH_URL: es.url,
          FAULTLINE_LOG_FLUSH_INTERVAL_MS: '100',
        },
      });
      try {
        const path = `/${logger}-order`;
        expect((await fetch(`${loggers.url}${path}`)).status).toBe(200);
        const span = await otlp.waitForSpan((s) => s.attributes['url.path'] === path);
        await stored({ term: { [logFields.traceId]: span.traceId } }, 2, `the ${logger} lines`);
        const sources = (await findLogsByTraceId(es.url, span.traceId)).map((log) => log.source);
        expect(sources).toHaveLength(2);
        for (const source of sources) {
          expect(source).toMatchObject({
            [logFields.spanId]: span.spanId,
            [logFields.serviceName]: `es-${logger}`,
          });
        }
        expect(JSON.stringify(sources)).not.toMatch(/hunter2|4111 1111 1111 1111/);
      } finally {
        await loggers.stop();
      }
    },
  );

  it('stores a logged password and card number masked', async () => {
    const response = await fetch(`${app.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ada-es', password: 'hunter2', card: '4111 1111 1111 1111' }),
    });
    expect(response.status).toBe(204);

    const [login] = await stored(byMessage('login attempt', 'user', 'ada-es'), 1, 'the login line');
    expect(login?.source).toMatchObject({ user: 'ada-es', password: REDACTED });
    expect(login?.source.card).not.toContain('4111');
    expect(await search({ term: { password: 'hunter2' } })).toEqual([]);
    const everything = JSON.stringify(await search({ match_all: {} }));
    expect(everything).not.toMatch(/hunter2|4111 1111 1111 1111|4111111111111111/);
  });

  it('keeps serving while Elasticsearch is down, counts the failed exports, and ships everything once a node is back on the same port', async () => {
    const failuresBefore = await logsMetric(catalogue.telemetryExportFailures.name);
    const port = Number(new URL(es.url).port);
    await es.stop();

    const outage = ['down-1', 'down-2', 'down-3'];
    for (const id of outage) expect((await fetch(`${app.url}/profiles/${id}`)).status).toBe(200);
    await eventually(
      async () =>
        (await logsMetric(catalogue.telemetryExportFailures.name)) > failuresBefore ? true : undefined,
      { timeoutMs: 30_000, what: 'failed log exports to be counted' },
    );
    await eventually(
      () =>
        app.logLines().filter((l) => outage.includes(String(l.profileId))).length === 3 ? true : undefined,
      {
        what: 'the app to have logged every request of the outage',
      },
    );

    es = await startElasticsearch({ dir, port });
    expect(es.url).toBe(`http://127.0.0.1:${port}`);
    const after = 'back-1';
    expect((await fetch(`${app.url}/profiles/${after}`)).status).toBe(200);

    // The shipper's backoff reaches 30 s between attempts during a long outage.
    const lines = await eventually(
      async () => {
        const found = await search({ terms: { profileId: [...outage, after] } });
        return found.length === 4 ? found : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: 'the lines logged during and after the outage' },
    );
    expect(lines.map((l) => l.source.profileId).sort()).toEqual([...outage, after].sort());
    await stored(
      { terms: { [logFields.eventAction]: ['log_shipping.unavailable', 'log_shipping.recovered'] } },
      2,
      'the shipper’s own lines about the outage',
    );
    for (const reason of ['queue_full', 'export_failed', 'rejected', 'shutdown']) {
      expect(await logsMetric(catalogue.telemetryDropped.name, { reason })).toBe(0);
    }
  }, 240_000);

  it('maps every catalogue log field with the type the template declares, and only the app’s own metadata dynamically', async () => {
    const answer = await api<estypes.IndicesGetMappingResponse>('GET', `/${STREAM}/_mapping`);
    const [index, ...others] = Object.keys(answer);
    expect(others).toEqual([]);
    expect(index).toMatch(BACKING_INDEX);
    const storedMappings = answer[index!]!.mappings;
    const declared = coreIndexTemplate.template!.mappings!;

    const catalogueFields = Object.values(logFields);
    const types = (mappings: estypes.MappingTypeMapping) =>
      Object.fromEntries(catalogueFields.map((field) => [field, fieldMapping(field, mappings)?.type]));
    expect(types(storedMappings)).toEqual(types(declared));

    const storedFields = mappedFields(storedMappings);
    const declaredFields = mappedFields(declared);
    const dynamic = Object.keys(storedFields).filter((field) => !(field in declaredFields));
    expect(dynamic.sort()).toEqual([...APP_METADATA].sort());
    for (const field of dynamic) expect(storedFields[field]).toEqual({ type: 'keyword', ignore_above: 1024 });
    expect(Object.fromEntries(Object.keys(declaredFields).map((f) => [f, storedFields[f]]))).toEqual(
      declaredFields,
    );
  });
});
