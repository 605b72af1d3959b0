import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ECS_VERSION, logFields } from '@faultline/instrumentation';
import { elasticsearchAssets } from './assets.ts';
import { fieldMapping } from './fieldMapping.ts';
import { ILM_POLICY_NAME, LOG_RETENTION_DAYS, ilmPolicy } from './ilmPolicy.ts';
import { ECS_MAPPING_VERSION, INDEX_TEMPLATE_PRIORITY, indexTemplate } from './indexTemplate.ts';

describe('Elasticsearch assets', () => {
  it.each(elasticsearchAssets.map((asset) => [asset.file, asset]))(
    'the committed %s is what the typed source generates (npm run elasticsearch:generate)',
    (file, asset) => {
      expect(JSON.parse(readFileSync(join(__dirname, file), 'utf8'))).toEqual(asset.body);
    },
  );

  it('installs the lifecycle policy before the index template that names it', () => {
    expect(elasticsearchAssets.map((a) => a.path)).toEqual([
      '/_ilm/policy/faultline-logs',
      '/_index_template/logs-faultline',
    ]);
    expect(indexTemplate.template.settings.index.lifecycle.name).toBe(ILM_POLICY_NAME);
  });

  it('rolls over daily or at 10 GB per primary shard and deletes after the retention period', () => {
    expect(ilmPolicy.policy.phases.hot.actions.rollover).toEqual({
      max_age: '1d',
      max_primary_shard_size: '10gb',
    });
    expect(ilmPolicy.policy.phases.delete).toMatchObject({
      min_age: `${LOG_RETENTION_DAYS}d`,
      actions: { delete: {} },
    });
  });

  it('makes logs-faultline-* data streams and outranks the built-in logs-*-* template (priority 100)', () => {
    expect(indexTemplate.index_patterns).toEqual(['logs-faultline-*']);
    expect(indexTemplate.data_stream).toEqual({});
    expect(INDEX_TEMPLATE_PRIORITY).toBeGreaterThan(100);
  });

  it.each(Object.values(logFields))('maps the catalogue log field %s', (field) => {
    expect(fieldMapping(field)?.type).toBeDefined();
  });

  it('maps identifiers as keywords, so trace.id matches exactly and links to Jaeger', () => {
    for (const field of [logFields.traceId, logFields.spanId, logFields.serviceName, logFields.level]) {
      expect(fieldMapping(field)?.type).toBe('keyword');
    }
    expect(fieldMapping(logFields.timestamp)?.type).toBe('date');
    expect(fieldMapping(logFields.processPid)?.type).toBe('long');
  });

  it('follows the ECS version the instrumentation declares', () => {
    expect(ECS_MAPPING_VERSION).toBe(ECS_VERSION);
  });
});
