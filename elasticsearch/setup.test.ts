import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  startElasticsearchBulkReceiver,
  type ElasticsearchBulkReceiver,
} from '../testing/receivers/elasticsearchBulkReceiver.ts';
import { coreIndexTemplate } from './coreIndexTemplate.ts';
import { ILM_POLICY_NAME, ilmPolicy } from './ilmPolicy.ts';
import { INDEX_TEMPLATE_NAME, indexTemplate } from './indexTemplate.ts';
import { ElasticsearchSetupError, installElasticsearchAssets } from './setup.ts';

describe('installElasticsearchAssets against the strict Elasticsearch receiver', () => {
  let elasticsearch: ElasticsearchBulkReceiver;

  beforeEach(async () => {
    elasticsearch = await startElasticsearchBulkReceiver({ port: 0, version: '9.4.3' });
  });

  afterEach(() => elasticsearch.close());

  it('PUTs the faultline-logs lifecycle policy and the logs-faultline index template, accepted as sent', async () => {
    await expect(installElasticsearchAssets(elasticsearch.url)).resolves.toEqual([
      `/_ilm/policy/${ILM_POLICY_NAME}`,
      `/_index_template/${INDEX_TEMPLATE_NAME}`,
    ]);
    expect(elasticsearch.rejections()).toEqual([]);
    expect(elasticsearch.ilmPolicies()).toEqual({ [ILM_POLICY_NAME]: ilmPolicy });
    expect(elasticsearch.indexTemplates()).toEqual({ [INDEX_TEMPLATE_NAME]: indexTemplate });
  });

  it('is idempotent: a second run updates the same assets in place', async () => {
    await installElasticsearchAssets(elasticsearch.url);
    await installElasticsearchAssets(elasticsearch.url);
    expect(elasticsearch.rejections()).toEqual([]);
    expect(Object.keys(elasticsearch.ilmPolicies())).toEqual([ILM_POLICY_NAME]);
    expect(Object.keys(elasticsearch.indexTemplates())).toEqual([INDEX_TEMPLATE_NAME]);
    expect(elasticsearch.componentTemplates()).toEqual({});
  });

  it("with distribution 'core', PUTs only the index template, as coreIndexTemplate", async () => {
    await expect(installElasticsearchAssets(elasticsearch.url, { distribution: 'core' })).resolves.toEqual([
      `/_index_template/${INDEX_TEMPLATE_NAME}`,
    ]);
    expect(elasticsearch.rejections()).toEqual([]);
    expect(elasticsearch.ilmPolicies()).toEqual({});
    expect(elasticsearch.indexTemplates()).toEqual({ [INDEX_TEMPLATE_NAME]: coreIndexTemplate });
  });

  it('authenticates with an API key when given one', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"acknowledged":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await installElasticsearchAssets(url, { apiKey: 'aWQ6a2V5' });
      expect(seen).toEqual(['ApiKey aWQ6a2V5', 'ApiKey aWQ6a2V5']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('throws ElasticsearchSetupError naming the request and the answer when Elasticsearch refuses', async () => {
    const server = createServer((_request, response) => {
      response
        .writeHead(403, { 'content-type': 'application/json' })
        .end('{"error":{"type":"security_exception"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const failure = installElasticsearchAssets(url);
      await expect(failure).rejects.toBeInstanceOf(ElasticsearchSetupError);
      await expect(failure).rejects.toMatchObject({ status: 403, path: `/_ilm/policy/${ILM_POLICY_NAME}` });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('fails with the connection error when Elasticsearch is down, installing nothing', async () => {
    await elasticsearch.setMode('down');
    await expect(installElasticsearchAssets(elasticsearch.url)).rejects.toThrow(/fetch failed/);
    await elasticsearch.setMode('ok');
    expect(elasticsearch.ilmPolicies()).toEqual({});
  });
});
