import { Client, errors } from '@elastic/elasticsearch';
import { documentParsingFailure, rejectedExecution } from './elasticsearch/itemFaults.ts';
import {
  startElasticsearchBulkReceiver,
  type ElasticsearchBulkReceiver,
} from './elasticsearchBulkReceiver.ts';

async function postNdjson(
  receiver: ElasticsearchBulkReceiver,
  body: string,
  contentType = 'application/x-ndjson',
) {
  const response = await fetch(`${receiver.url}/_bulk`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return {
    status: response.status,
    product: response.headers.get('x-elastic-product'),
    body: (await response.json()) as { error: { type: string; reason: string }; status: number },
  };
}

describe('Elasticsearch bulk receiver', () => {
  let receiver: ElasticsearchBulkReceiver;
  let client: Client;
  beforeEach(async () => {
    receiver = await startElasticsearchBulkReceiver();
    client = new Client({ node: receiver.url, maxRetries: 0 });
  });
  afterEach(async () => {
    await client.close();
    await receiver.close();
  });

  it('passes the official client product check and reports a 9.x cluster', async () => {
    const info = await client.info();
    expect(info.version.number).toMatch(/^9\./);
    expect(info.tagline).toBe('You Know, for Search');
    await expect(client.ping()).resolves.toBe(true);
  });

  it('stores every document that helpers.bulk sends with create actions', async () => {
    const docs = [1, 2, 3].map((n) => ({ '@timestamp': `2025-01-0${n}T00:00:00Z`, message: `line ${n}`, n }));
    const stats = await client.helpers.bulk({
      datasource: docs,
      onDocument: () => ({ create: { _index: 'logs-checkout' } }),
    });

    expect(stats).toMatchObject({ total: 3, successful: 3, failed: 0 });
    expect(receiver.documents('logs-checkout').map((d) => d.source)).toEqual(docs);
    expect(receiver.bulkRequests()[0]!.operations.map((op) => op.action)).toEqual([
      'create',
      'create',
      'create',
    ]);
    expect(receiver.rejections()).toEqual([]);
  });

  it('applies index, create, update and delete from client.bulk and answers the real response shape', async () => {
    const response = await client.bulk({
      index: 'orders',
      operations: [
        { index: { _id: 'a' } },
        { status: 'new', total: 10 },
        { create: { _index: 'audit', _id: 'x' } },
        { who: 'alice' },
        { update: { _id: 'a' } },
        { doc: { status: 'paid' } },
        { delete: { _index: 'orders', _id: 'missing' } },
      ],
    });

    expect(response.errors).toBe(false);
    expect(response.items[0]).toEqual({
      index: {
        _index: 'orders',
        _id: 'a',
        _version: 1,
        result: 'created',
        _shards: { total: 2, successful: 1, failed: 0 },
        _seq_no: 0,
        _primary_term: 1,
        status: 201,
      },
    });
    expect(response.items[1]).toMatchObject({ create: { _index: 'audit', result: 'created', status: 201 } });
    expect(response.items[2]).toMatchObject({
      update: { _id: 'a', _version: 2, result: 'updated', status: 200 },
    });
    expect(response.items[3]).toMatchObject({ delete: { result: 'not_found', status: 404 } });
    expect(receiver.documents('orders')).toEqual([
      expect.objectContaining({ id: 'a', source: { status: 'paid', total: 10 } }),
    ]);
  });

  it('reports a create conflict as a 409 item error', async () => {
    const operations = [{ create: { _index: 'orders', _id: 'same' } }, { n: 1 }];
    await client.bulk({ operations });
    const response = await client.bulk({ operations });
    expect(response.errors).toBe(true);
    expect(response.items[0]!.create).toMatchObject({
      status: 409,
      error: { type: 'version_conflict_engine_exception' },
    });
  });

  it('reports per-item 429s that helpers.bulk retries and finally drops as 429', async () => {
    await receiver.setMode({ failItems: (op) => (op.source?.n === 2 ? rejectedExecution() : undefined) });
    const dropped: { status: number; document: unknown }[] = [];
    const stats = await client.helpers.bulk({
      datasource: [{ n: 1 }, { n: 2 }, { n: 3 }],
      onDocument: () => ({ create: { _index: 'logs-checkout' } }),
      retries: 1,
      wait: 10,
      onDrop: (drop) => dropped.push({ status: drop.status, document: drop.document }),
    });

    expect(dropped).toEqual([{ status: 429, document: { n: 2 } }]);
    expect(stats).toMatchObject({ successful: 2, failed: 1 });
    expect(receiver.bulkRequestCount()).toBe(2); // the first attempt and one retry of the rejected item
    expect(receiver.documents().map((d) => d.source)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('returns per-item errors in client.bulk responses with their Elasticsearch error types', async () => {
    await receiver.setMode({
      failItems: (op) =>
        op.id === 'busy' ? rejectedExecution() : op.id === 'bad' ? documentParsingFailure('n') : undefined,
    });
    const response = await client.bulk({
      index: 'logs',
      operations: [
        { index: { _id: 'busy' } },
        { n: 1 },
        { index: { _id: 'bad' } },
        { n: 'x' },
        { index: { _id: 'ok' } },
        { n: 3 },
      ],
    });
    expect(response.errors).toBe(true);
    expect(response.items.map((item) => [item.index!.status, item.index!.error?.type])).toEqual([
      [429, 'es_rejected_execution_exception'],
      [400, 'document_parsing_exception'],
      [201, undefined],
    ]);
  });

  it.each([429, 500, 503] as const)(
    'fails whole bulk requests with %i in failRequests mode',
    async (status) => {
      await receiver.setMode({ failRequests: status });
      const failure = await client
        .bulk({ operations: [{ index: { _index: 'logs' } }, { n: 1 }] })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(errors.ResponseError);
      expect((failure as InstanceType<typeof errors.ResponseError>).statusCode).toBe(status);
      expect(receiver.documents()).toEqual([]);
    },
  );

  it('rejects hand-made malformed NDJSON with 400 illegal_argument_exception', async () => {
    const cases: [string, RegExp][] = [
      ['{"index":{"_index":"logs"}}\n{"n":1}', /terminated by a newline/],
      ['{"index":{"_index":"logs"}}\n{"n":1\n', /not valid JSON/],
      ['{"index":{"_index":"logs"},"create":{}}\n{"n":1}\n', /exactly one action/],
      [
        '{"upsert":{"_index":"logs"}}\n{"n":1}\n',
        /expected field \[create\], \[delete\], \[index\] or \[update\]/,
      ],
      ['{"index":{}}\n{"n":1}\n', /index is missing/],
      ['{"index":{"_index":"logs"}}\n', /has no source line/],
      ['{"index":{"_index":"Logs"}}\n{"n":1}\n', /must be lowercase/],
      ['{"index":{"_index":"logs","_type":"doc"}}\n{"n":1}\n', /unknown parameter \[_type\]/],
      ['{"index":{"_index":"logs"}}\n[1,2]\n', /expected START_OBJECT/],
      ['{"delete":{"_index":"logs"}}\n', /id is missing/],
    ];
    for (const [body, reason] of cases) {
      const response = await postNdjson(receiver, body);
      expect({ body, status: response.status, type: response.body.error.type }).toEqual({
        body,
        status: 400,
        type: 'illegal_argument_exception',
      });
      expect(response.body.error.reason).toMatch(reason);
      expect(response.product).toBe('Elasticsearch');
    }
    expect(receiver.rejections()).toHaveLength(cases.length);
    expect(receiver.documents()).toEqual([]);
  });

  it('accepts vendored compatible-with=8 media types and refuses others', async () => {
    const body = '{"index":{"_index":"logs"}}\n{"n":1}\n';
    expect(
      (await postNdjson(receiver, body, 'application/vnd.elasticsearch+x-ndjson; compatible-with=8')).status,
    ).toBe(200);
    expect(
      (await postNdjson(receiver, body, 'application/vnd.elasticsearch+x-ndjson; compatible-with=7')).status,
    ).toBe(400);
    expect((await postNdjson(receiver, body, 'application/json')).status).toBe(406);
  });

  it('never answers in hang mode, so the client times out', async () => {
    await receiver.setMode('hang');
    const failure = await client
      .bulk({ operations: [{ index: { _index: 'logs' } }, { n: 1 }] }, { requestTimeout: 200 })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(errors.TimeoutError);
    await receiver.waitForBulkRequestCount(1);
  });

  it('refuses connections while down and serves again on the same URL when revived', async () => {
    await receiver.setMode('down');
    await expect(client.info()).rejects.toBeInstanceOf(errors.ConnectionError);
    await receiver.setMode('ok');
    const revived = new Client({ node: receiver.url });
    await expect(revived.info()).resolves.toMatchObject({ tagline: 'You Know, for Search' });
    await revived.close();
  });

  it('records index templates, component templates and ILM policies and serves them back', async () => {
    await client.ilm.putLifecycle({
      name: 'faultline-logs',
      policy: {
        phases: {
          hot: { actions: { rollover: { max_age: '1d' } } },
          delete: { min_age: '7d', actions: { delete: {} } },
        },
      },
    });
    await client.cluster.putComponentTemplate({
      name: 'faultline-mappings',
      template: { mappings: { properties: { '@timestamp': { type: 'date' } } } },
    });
    await client.indices.putIndexTemplate({
      name: 'faultline-logs',
      index_patterns: ['logs-faultline-*'],
      data_stream: {},
      composed_of: ['faultline-mappings'],
      template: { settings: { 'index.lifecycle.name': 'faultline-logs' } },
    });

    expect(receiver.ilmPolicies()['faultline-logs']).toMatchObject({
      policy: { phases: { delete: { min_age: '7d' } } },
    });
    expect(receiver.componentTemplates()).toHaveProperty('faultline-mappings');
    expect(receiver.indexTemplates()['faultline-logs']).toMatchObject({
      index_patterns: ['logs-faultline-*'],
    });
    const fetched = await client.indices.getIndexTemplate({ name: 'faultline-logs' });
    expect(fetched.index_templates[0]!.index_template.composed_of).toEqual(['faultline-mappings']);
    const policy = await client.ilm.getLifecycle({ name: 'faultline-logs' });
    expect(policy['faultline-logs']!.policy.phases.hot).toBeDefined();
    await expect(client.indices.existsIndexTemplate({ name: 'faultline-logs' })).resolves.toBe(true);
    await expect(client.indices.existsIndexTemplate({ name: 'nope' })).resolves.toBe(false);
    expect(receiver.rejections()).toEqual([
      expect.objectContaining({ status: 404, path: '/_index_template/nope' }),
    ]);
  });
});
