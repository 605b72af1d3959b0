import { logFields } from '@faultline/instrumentation';
import { assetsFor, elasticsearchAssets } from './assets.ts';
import { parseSetupConfig } from './config.ts';
import { CORE_FIELD_TYPES, coreIndexTemplate } from './coreIndexTemplate.ts';
import { mappedFields } from './fieldMapping.ts';
import { TRACE_ID_FIELD } from './findLogs.ts';
import { INDEX_TEMPLATE_NAME, indexTemplate } from './indexTemplate.ts';
import { missingFeatureHint } from './setup.ts';

const committed = mappedFields(indexTemplate.template.mappings);
const core = mappedFields(coreIndexTemplate.template!.mappings!);

describe('the index template for a core Elasticsearch (no ILM, no x-pack field types)', () => {
  it('is the committed template without index.lifecycle.name, labelled as core', () => {
    const { lifecycle: _lifecycle, ...index } = indexTemplate.template.settings.index;
    expect(coreIndexTemplate).toEqual({
      ...indexTemplate,
      _meta: { ...indexTemplate._meta, distribution: 'core' },
      template: { settings: { index }, mappings: expect.any(Object) },
    });
    expect(coreIndexTemplate.template?.mappings?.dynamic_templates).toEqual(
      indexTemplate.template.mappings.dynamic_templates,
    );
  });

  it('maps the same fields, each with the committed type or the core type CORE_FIELD_TYPES names for it', () => {
    expect(Object.keys(core)).toEqual(Object.keys(committed));
    const moduleTypes = new Set(Object.keys(CORE_FIELD_TYPES));
    for (const [field, mapping] of Object.entries(committed)) {
      const type = String(mapping.type);
      const expected = moduleTypes.has(type)
        ? CORE_FIELD_TYPES[type as keyof typeof CORE_FIELD_TYPES].type
        : type;
      expect([field, core[field]?.type]).toEqual([field, expected]);
    }
    expect(JSON.stringify(coreIndexTemplate)).not.toMatch(/match_only_text|wildcard|constant_keyword/);
  });

  it('keeps multi-fields, with their types replaced too (error.stack_trace.text)', () => {
    expect(committed['error.stack_trace']).toEqual({
      type: 'wildcard',
      fields: { text: { type: 'match_only_text' } },
    });
    expect(core['error.stack_trace']).toEqual({
      type: 'keyword',
      ignore_above: 1024,
      fields: { text: { type: 'text' } },
    });
  });

  it('is installed alone, without the lifecycle policy; the default distribution gets every committed asset', () => {
    expect(assetsFor('core').map((asset) => [asset.path, asset.body])).toEqual([
      [`/_index_template/${INDEX_TEMPLATE_NAME}`, coreIndexTemplate],
    ]);
    expect(assetsFor('default')).toBe(elasticsearchAssets);
  });
});

describe('telling a core Elasticsearch from a refusal', () => {
  // Answers of Elasticsearch 9.4.3's integration-test distribution, verbatim.
  it.each([
    '{"error":"no handler found for uri [/_ilm/policy/faultline-logs] and method [PUT]"}',
    '{"error":{"root_cause":[{"type":"invalid_index_template_exception","reason":"index_template [logs-faultline] invalid, cause [Validation Failed: 1: unknown setting [index.lifecycle.name] please check that any required plugins are installed, or check the breaking changes documentation for removed settings;]"}]},"status":400}',
    '{"error":{"root_cause":[{"type":"mapper_parsing_exception","reason":"The mapper type [match_only_text] declared on field [message] does not exist. It might have been created within a future version or requires a plugin to be installed. Check the documentation."}]},"status":400}',
  ])('points to FAULTLINE_ELASTICSEARCH_DISTRIBUTION=core on %s', (body) => {
    expect(missingFeatureHint(body)).toContain('FAULTLINE_ELASTICSEARCH_DISTRIBUTION=core');
  });

  it('says nothing of it for other refusals', () => {
    expect(missingFeatureHint('{"error":{"type":"security_exception"}}')).toBeUndefined();
  });
});

describe('FAULTLINE_ELASTICSEARCH_DISTRIBUTION', () => {
  it('is default unless set to core', () => {
    expect(parseSetupConfig({}).elasticsearchDistribution).toBe('default');
    expect(parseSetupConfig({ FAULTLINE_ELASTICSEARCH_DISTRIBUTION: 'core' }).elasticsearchDistribution).toBe(
      'core',
    );
  });

  it('names the variable and what it accepts when set to anything else', () => {
    expect(() => parseSetupConfig({ FAULTLINE_ELASTICSEARCH_DISTRIBUTION: 'oss' })).toThrow(
      'FAULTLINE_ELASTICSEARCH_DISTRIBUTION must be default or core; got "oss"',
    );
  });
});

it('findLogsByTraceId queries the catalogue’s trace id field', () => {
  expect(TRACE_ID_FIELD).toBe(logFields.traceId);
});
