import type { estypes } from '@elastic/elasticsearch';
import { ILM_POLICY_NAME } from './ilmPolicy.ts';
import type { IndexTemplateBody } from './types.ts';

/** Name of the index template for Faultline's log data streams. */
export const INDEX_TEMPLATE_NAME = 'logs-faultline';

/** The data streams the template applies to; the default one is `logs-faultline-default`. */
export const LOG_INDEX_PATTERN = 'logs-faultline-*';

/** The ECS version the mappings follow (the one the instrumentation writes in `ecs.version`). */
export const ECS_MAPPING_VERSION = '8.11.0';

/**
 * Above the built-in `logs` template (priority 100, pattern `logs-*-*`), so Faultline's
 * mappings and lifecycle win for `logs-faultline-*`.
 */
export const INDEX_TEMPLATE_PRIORITY = 500;

const keyword = { type: 'keyword', ignore_above: 1024 } as const;
const text = { type: 'match_only_text' } as const;

/**
 * ECS mappings of every field Faultline writes (the log half of the signal catalogue), nested
 * the way ECS nests them, plus Faultline's own `faultline.*` fields.
 */
const properties = {
  '@timestamp': { type: 'date' },
  message: text,
  ecs: { properties: { version: keyword } },
  log: { properties: { level: keyword, logger: keyword } },
  trace: { properties: { id: keyword } },
  span: { properties: { id: keyword } },
  transaction: { properties: { id: keyword } },
  service: {
    properties: {
      name: keyword,
      version: keyword,
      environment: keyword,
      node: { properties: { name: keyword } },
    },
  },
  host: { properties: { hostname: keyword } },
  process: { properties: { pid: { type: 'long' } } },
  event: { properties: { dataset: keyword, action: keyword } },
  error: {
    properties: {
      type: keyword,
      message: text,
      stack_trace: { type: 'wildcard', fields: { text } },
    },
  },
  faultline: {
    properties: {
      breaker: { properties: { name: keyword, state: keyword, previous_state: keyword } },
      messaging: { properties: { sample_source: keyword } },
    },
  },
  messaging: {
    properties: {
      destination: { properties: { name: keyword } },
      consumer: { properties: { group: { properties: { name: keyword } } } },
    },
  },
  data_stream: {
    properties: {
      type: { type: 'constant_keyword' },
      dataset: { type: 'constant_keyword' },
      namespace: { type: 'constant_keyword' },
    },
  },
} satisfies Record<string, estypes.MappingProperty>;

/**
 * The index template for `logs-faultline-*` data streams: ECS mappings, unknown strings as
 * keywords, backing indices managed by the `faultline-logs` lifecycle policy.
 */
export const indexTemplate = {
  index_patterns: [LOG_INDEX_PATTERN],
  data_stream: {},
  priority: INDEX_TEMPLATE_PRIORITY,
  version: 1,
  _meta: { managed_by: 'faultline', ecs_version: ECS_MAPPING_VERSION },
  template: {
    settings: {
      index: {
        lifecycle: { name: ILM_POLICY_NAME },
        number_of_shards: 1,
        codec: 'best_compression',
      },
    },
    mappings: {
      dynamic_templates: [
        {
          strings_as_keyword: {
            match_mapping_type: 'string',
            mapping: { type: 'keyword', ignore_above: 1024 },
          },
        },
      ],
      properties,
    },
  },
} satisfies IndexTemplateBody;
