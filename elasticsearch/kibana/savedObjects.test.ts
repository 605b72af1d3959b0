import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { logFields } from '@faultline/instrumentation';
import { fieldMapping } from '../fieldMapping.ts';
import { LOG_INDEX_PATTERN } from '../indexTemplate.ts';
import { KibanaImportError, importKibanaSavedObjects } from './importSavedObjects.ts';

const file = join(__dirname, 'saved-objects.ndjson');

interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

function savedObjects(): SavedObject[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SavedObject);
}

function byType(type: string): SavedObject[] {
  return savedObjects().filter((o) => o.type === type);
}

describe('elasticsearch/kibana/saved-objects.ndjson', () => {
  it('is one saved object per line, each with type, id, attributes and references, ids unique', () => {
    const objects = savedObjects();
    expect(objects.length).toBeGreaterThan(1);
    for (const object of objects) {
      expect(object).toEqual({
        type: expect.any(String),
        id: expect.stringMatching(/^[a-z0-9-]+$/),
        attributes: expect.any(Object),
        references: expect.any(Array),
      });
    }
    expect(new Set(objects.map((o) => `${o.type}:${o.id}`)).size).toBe(objects.length);
  });

  it('has every reference resolve to an object in the same file', () => {
    const present = new Set(savedObjects().map((o) => `${o.type}:${o.id}`));
    for (const object of savedObjects()) {
      for (const ref of object.references) expect(present).toContain(`${ref.type}:${ref.id}`);
    }
  });

  it('defines a data view on the log data streams with @timestamp as its time field', () => {
    const [dataView] = byType('index-pattern');
    expect(dataView?.attributes).toMatchObject({
      title: LOG_INDEX_PATTERN,
      timeFieldName: logFields.timestamp,
    });
  });

  it('renders trace.id as a link to the trace in Jaeger', () => {
    const [dataView] = byType('index-pattern');
    const formats = JSON.parse(String(dataView?.attributes.fieldFormatMap)) as Record<string, unknown>;
    expect(formats[logFields.traceId]).toEqual({
      id: 'url',
      params: expect.objectContaining({ type: 'a', urlTemplate: 'http://localhost:16686/trace/{{value}}' }),
    });
  });

  it('has an error search showing service.name, log.level, message and trace.id, newest first', () => {
    const errors = byType('search').find((o) => o.id === 'faultline-error-logs');
    expect(errors?.attributes.columns).toEqual([
      logFields.serviceName,
      logFields.level,
      logFields.message,
      logFields.traceId,
    ]);
    expect(errors?.attributes.sort).toEqual([[logFields.timestamp, 'desc']]);
    const source = JSON.parse(
      String((errors?.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON),
    ) as { query: { query: string; language: string } };
    expect(source.query).toEqual({ query: 'log.level: ("error" or "fatal")', language: 'kuery' });
  });

  it.each(byType('search').map((s) => [s.id, s]))(
    'search %s points at the data view through its reference and shows only mapped fields',
    (_id, search) => {
      const meta = search.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string };
      const source = JSON.parse(meta.searchSourceJSON) as { indexRefName: string };
      expect(search.references).toContainEqual({
        name: source.indexRefName,
        type: 'index-pattern',
        id: byType('index-pattern')[0]?.id,
      });
      for (const column of search.attributes.columns as string[]) expect(fieldMapping(column)).toBeDefined();
    },
  );
});

describe('importKibanaSavedObjects', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: unknown };
  const received: { method?: string; url?: string; xsrf?: string; form?: FormData }[] = [];

  /** Parses the multipart body with the platform's own (undici) form-data parser. */
  async function readForm(request: IncomingMessage): Promise<FormData> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return new Request('http://kibana.invalid/', {
      method: 'POST',
      headers: { 'content-type': String(request.headers['content-type']) },
      body: Buffer.concat(chunks),
    }).formData();
  }

  beforeAll(async () => {
    server = createServer((request, response) => {
      void readForm(request).then((form) => {
        received.push({
          method: request.method,
          url: request.url,
          xsrf: request.headers['kbn-xsrf'] as string,
          form,
        });
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the file as multipart to _import with overwrite and the kbn-xsrf header', async () => {
    answer = { status: 200, body: { success: true, successCount: savedObjects().length } };
    await expect(importKibanaSavedObjects(url, file)).resolves.toBe(savedObjects().length);
    const request = received.at(-1);
    expect(request).toMatchObject({
      method: 'POST',
      url: '/api/saved_objects/_import?overwrite=true',
      xsrf: 'true',
    });
    const part = request?.form?.get('file') as File;
    expect(part.name).toBe('saved-objects.ndjson');
    expect(await part.text()).toBe(readFileSync(file, 'utf8'));
  });

  it('throws KibanaImportError when Kibana imports only some objects', async () => {
    answer = {
      status: 200,
      body: { success: false, successCount: 1, errors: [{ id: 'x', error: { type: 'conflict' } }] },
    };
    await expect(importKibanaSavedObjects(url, file)).rejects.toBeInstanceOf(KibanaImportError);
  });

  it('throws KibanaImportError with the status when Kibana refuses the request', async () => {
    answer = { status: 400, body: { statusCode: 400, error: 'Bad Request' } };
    await expect(importKibanaSavedObjects(url, file)).rejects.toMatchObject({ status: 400 });
  });
});
